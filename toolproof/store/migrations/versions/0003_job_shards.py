"""Jobs on the ray engine keep each shard's state, so a restart recomputes no finished one.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("shard_size", sa.Integer, nullable=True))
    op.create_table(
        "job_shards",
        sa.Column("job_id", sa.String(32), primary_key=True),
        sa.Column("shard", sa.Integer, primary_key=True),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.Column("output", sa.LargeBinary, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("job_shards")
    op.drop_column("jobs", "shard_size")
