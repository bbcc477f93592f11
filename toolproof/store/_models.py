"""The job store's tables (SQLAlchemy 2 declarative models).

Internal models: the HTTP layer has its own wire models (``toolproof.service._wire``).
A job's results are rows keyed by ``(job_id, idx)``, written in the same transaction that
advances ``jobs.done``: after a crash the worker resumes at ``done`` and a result can
never be recorded twice (the primary key refuses it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Job states, as the HTTP API reports them.
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = frozenset({"done", "failed", "cancelled"})


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key, stored as the SHA-256 of the key (never the key itself)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Toolset(Base):
    """A compiled toolset registered by a tenant (the bundle itself lives in the cache)."""

    __tablename__ = "toolsets"

    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tools: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Job(Base):
    """One uploaded dataset being verified; ``done`` results are committed."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(32))
    layers: Mapped[str] = mapped_column(String(64))
    upload: Mapped[str] = mapped_column(Text)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    rate: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shard_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Records per shard, fixed by the job's first run on the ray engine (None: local)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Starts of the job that did not end in a result, a cancel or a clean hand-back."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_jobs_tenant_created", "tenant", "created_at"),
        Index("ix_jobs_status", "status"),
    )


class JobResult(Base):
    """One result line (the SampleResult's JSON), in input order by ``idx``."""

    __tablename__ = "job_results"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    line: Mapped[bytes] = mapped_column(LargeBinary)


#: A shard's states: submitted to the cluster, finished (its output kept here until its
#: turn to be written in input order), written (its results are ``job_results`` rows).
SHARD_STATES = ("running", "done", "written")


class JobShard(Base):
    """One shard of a job run on the ray engine: records ``[start, start + count)``.

    A finished shard's output is stored at once, whatever its order, so a restarted
    service takes it from here instead of computing it again; it is written to
    ``job_results`` (and dropped here) when every shard before it has been.
    """

    __tablename__ = "job_shards"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    """Submissions to the cluster (Ray's own retries of a lost task not counted)."""
    output: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
