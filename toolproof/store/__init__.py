"""The job store: API keys, toolsets, jobs and their results (SQLAlchemy 2 + Alembic)."""

from toolproof.store._errors import StoreError, StoreUnavailable
from toolproof.store._models import FINISHED, JOB_STATES
from toolproof.store._shards import ShardView
from toolproof.store._store import JobView, Store, key_hash

__all__ = [
    "FINISHED",
    "JOB_STATES",
    "JobView",
    "ShardView",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "key_hash",
]
