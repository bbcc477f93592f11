"""Alembic environment: the connection comes from ``Store.migrate`` (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from toolproof.store._models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
