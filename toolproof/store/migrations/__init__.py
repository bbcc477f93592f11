"""Alembic migrations of the job store, shipped with the package (run by ``Store.migrate``)."""
