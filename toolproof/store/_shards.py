"""The shards of jobs run on the ray engine: which ran, which finished, their outputs.

A job worker records a shard before it submits it (``runs``), stores its output the
moment the cluster returns it, in any order, and marks it written in the transaction
that commits its results (:meth:`Store.commit_results`). Every change is conditional on
the job still being this worker's, as ``commit_results`` is, so a worker that lost its
lease (the service was presumed dead) cannot touch a job another worker took over.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from toolproof.store._models import Job, JobShard


@dataclass(frozen=True)
class ShardView:
    """A shard as read from the store."""

    shard: int
    start: int
    count: int
    state: str
    runs: int


class ShardLedger:
    """``Store.shards``: shard rows, one short transaction per call."""

    def __init__(self, session: Callable[[], AbstractContextManager[Session]]) -> None:
        self._session = session

    def of(self, job_id: str) -> dict[int, ShardView]:
        """The job's shards, by number."""
        with self._session() as s:
            rows = s.scalars(select(JobShard).where(JobShard.job_id == job_id))
            return {r.shard: ShardView(r.shard, r.start, r.count, r.state, r.runs) for r in rows}

    def start(self, job_id: str, worker: str, shard: int, start: int, count: int) -> bool:
        """Record that ``shard`` goes to the cluster (once more); False if the job is no
        longer this worker's."""
        with self._session() as s:
            if _owned(s, job_id, worker) is None:
                return False
            row = s.get(JobShard, (job_id, shard), with_for_update=True)
            if row is None:
                s.add(JobShard(job_id=job_id, shard=shard, start=start, count=count,
                               state="running", runs=1))  # fmt: skip
            else:
                row.state, row.runs, row.output = "running", row.runs + 1, None
            return True

    def finish(self, job_id: str, worker: str, shard: int, output: bytes, lease_s: float) -> bool:
        """Keep a finished shard's output until its turn to be written, and renew the
        job's lease (a long first shard must not pass for a dead worker); False if the
        job is no longer this worker's."""
        with self._session() as s:
            job = _owned(s, job_id, worker)
            if job is None:
                return False
            s.execute(
                update(JobShard)
                .where(JobShard.job_id == job_id, JobShard.shard == shard)
                .values(state="done", output=output)
            )
            job.lease_until = datetime.now(UTC) + timedelta(seconds=lease_s)
            return True

    def output(self, job_id: str, shard: int) -> bytes | None:
        """A finished, not yet written shard's output (None for any other)."""
        with self._session() as s:
            row = s.get(JobShard, (job_id, shard))
            return None if row is None or row.output is None else bytes(row.output)


def _owned(s: Session, job_id: str, worker: str) -> Job | None:
    job = s.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "running" or job.lease_owner != worker:
        return None
    return job


def drop_outputs(s: Session, job_id: str) -> None:
    """The job ended: outputs no turn will write any more are disk back."""
    s.execute(
        update(JobShard)
        .where(JobShard.job_id == job_id, JobShard.output.is_not(None))
        .values(output=None)
    )
