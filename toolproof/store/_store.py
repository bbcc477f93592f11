"""``Store``: the job store over SQLAlchemy 2 (SQLite by default, PostgreSQL by URL).

Every method is one short transaction; a database that is down or locked raises
:class:`StoreUnavailable` (the service answers 503), never a driver exception. Jobs are
claimed with a lease, so a worker that died (``kill -9`` of the server) loses its job to
the next worker once the lease runs out, and that worker resumes at the job's ``done``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from toolproof.store._errors import StoreUnavailable
from toolproof.store._models import FINISHED, ApiKey, Job, JobResult, JobShard, Toolset
from toolproof.store._shards import ShardLedger, drop_outputs
from toolspec.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
TENANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEY_PREFIX = "tp_"


def _waiting(t: datetime) -> Any:
    """Jobs a worker may take: queued, or running under a lease that ran out."""
    return (Job.status == "queued") | ((Job.status == "running") & (Job.lease_until < t))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back (stored as UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


JOB_ID_LEN, BUNDLE_ID_LEN = 32, 64  # the columns' widths: a longer id names nothing
#: Alembic keeps its context in module globals: one migration at a time per process.
_MIGRATING = threading.Lock()


def now() -> datetime:
    return datetime.now(UTC)


def key_hash(key: str) -> str:
    """Keys are 256 random bits, so a plain SHA-256 is enough (no slow KDF needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class JobView:
    """A job as read from the store (detached from any session)."""

    id: str
    tenant: str
    status: str
    format: str
    layers: tuple[str, ...]
    upload: str
    total: int | None
    done: int
    passed: int
    rate: float
    error: str | None
    shard_size: int | None = None

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(
            job.id,
            job.tenant,
            job.status,
            job.format,
            tuple(job.layers.split(",")),
            job.upload,
            job.total,
            job.done,
            job.passed,
            job.rate,
            job.error,
            job.shard_size,
        )

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class Store:
    """The service's persistent state; thread-safe (one session per call)."""

    def __init__(self, url: str) -> None:
        self.url = url
        options: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            options["connect_args"] = {"connect_timeout": 5}
        self.engine: Engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.shards = ShardLedger(self.session)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction; operational database errors become ``StoreUnavailable``."""
        try:
            with self.sessions.begin() as s:
                yield s
        except DBAPIError as exc:
            raise StoreUnavailable(f"the job store is unavailable: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"the job store failed: {type(exc).__name__}") from exc

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        try:
            with _MIGRATING, self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except DBAPIError as exc:
            raise StoreUnavailable(f"the job store is unavailable: {exc.orig}") from exc

    def ping(self) -> None:
        with self.session() as s:
            s.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    # API keys -------------------------------------------------------------------------
    def create_key(self, tenant: str) -> str:
        """A new key for ``tenant`` (returned once; only its hash is stored)."""
        if not TENANT_RE.match(tenant):
            raise ConfigError(
                f"tenant {tenant!r}: 1-64 characters of letters, digits, '.', '_', '-'"
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.session() as s:
            s.add(ApiKey(tenant=tenant, key_hash=key_hash(key), created_at=now()))
        return key

    def tenant_for(self, key: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(ApiKey.tenant).where(ApiKey.key_hash == key_hash(key)))

    # toolsets -------------------------------------------------------------------------
    def add_toolset(self, tenant: str, bundle_id: str, tools: int) -> None:
        with self.session() as s:
            if s.get(Toolset, (tenant, bundle_id)) is None:
                s.add(Toolset(tenant=tenant, bundle_id=bundle_id, tools=tools, created_at=now()))

    def has_toolset(self, tenant: str, bundle_id: str) -> bool:
        if len(bundle_id) > BUNDLE_ID_LEN:
            return False
        with self.session() as s:
            return s.get(Toolset, (tenant, bundle_id)) is not None

    # jobs -----------------------------------------------------------------------------
    def create_job(
        self,
        tenant: str,
        format: str,
        layers: Sequence[str],
        upload: Path,
        job_id: str | None = None,
    ) -> JobView:
        job = Job(
            id=job_id or uuid.uuid4().hex,
            tenant=tenant,
            status="queued",
            format=format,
            layers=",".join(layers),
            upload=str(upload),
            done=0,
            passed=0,
            rate=0.0,
            created_at=now(),
        )
        with self.session() as s:
            s.add(job)
            s.flush()
            return JobView.of(job)

    def get_job(self, tenant: str | None, job_id: str) -> JobView | None:
        """The job, or None when it does not exist or belongs to another tenant."""
        if len(job_id) > JOB_ID_LEN:  # no such id: never a prefix of one that exists
            return None
        with self.session() as s:
            job = s.get(Job, job_id)
            if job is None or (tenant is not None and job.tenant != tenant):
                return None
            return JobView.of(job)

    def list_jobs(self, tenant: str, limit: int = 100) -> list[JobView]:
        with self.session() as s:
            rows = s.scalars(
                select(Job).where(Job.tenant == tenant).order_by(Job.created_at.desc()).limit(limit)
            )
            return [JobView.of(j) for j in rows]

    def cancel_job(self, tenant: str, job_id: str) -> JobView | None:
        """Cancel a queued or running job (a finished one stays as it is)."""
        if len(job_id) > JOB_ID_LEN:
            return None
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.tenant != tenant:
                return None
            if job.status == "queued":  # no worker reads it: its upload goes now
                Path(job.upload).unlink(missing_ok=True)
            if job.status not in FINISHED:
                job.status, job.finished_at, job.lease_owner = "cancelled", now(), None
                drop_outputs(s, job_id)
            return JobView.of(job)

    def unfinished_jobs(self, tenant: str) -> int:
        """The tenant's queued and running jobs (each holds an upload on disk)."""
        with self.session() as s:
            count = s.scalar(
                select(func.count()).where(Job.tenant == tenant, Job.status.not_in(FINISHED))
            )
            return int(count or 0)

    def live_uploads(self) -> set[str]:
        """Uploads of the jobs still to be verified; every other upload file is garbage."""
        with self.session() as s:
            return set(s.scalars(select(Job.upload).where(Job.status.not_in(FINISHED))))

    def count_jobs(self) -> dict[str, int]:
        with self.session() as s:
            rows = s.execute(select(Job.status, func.count()).group_by(Job.status))
            return {status: n for status, n in rows}

    def running_rate(self) -> float:
        with self.session() as s:
            return float(
                s.scalar(
                    select(func.coalesce(func.sum(Job.rate), 0.0)).where(Job.status == "running")
                )
                or 0.0
            )

    def claim_job(
        self, worker: str, lease_s: float, tenant_max: int, max_attempts: int = 3
    ) -> JobView | None:
        """Take a queued job, or one whose worker's lease ran out, fairly between tenants.

        The tenant served least recently goes first (fewest running jobs, then the oldest
        last lease, never-served first), then its oldest job. A tenant with ``tenant_max``
        running jobs waits. A job whose lease ran out ``max_attempts`` times (its worker
        died each time: a crash, the kernel's OOM killer) ends ``failed`` instead of taking
        the next server down too. The update is conditional on the row being unchanged, so
        two workers never claim the same job.
        """
        t = now()
        with self.session() as s:
            running = self._running(s, t)
            waiting = _waiting(t)
            tenants = s.execute(
                select(Job.tenant, func.max(Job.lease_until), func.min(Job.created_at))
                .where(waiting)
                .group_by(Job.tenant)
            ).all()
            never = datetime.min.replace(tzinfo=UTC)
            order = sorted(
                (r for r in tenants if running.get(r[0], 0) < tenant_max),
                key=lambda r: (running.get(r[0], 0), _aware(r[1]) or never, _aware(r[2])),
            )
            for tenant, _, _ in order:
                jobs = s.scalars(
                    select(Job).where(waiting, Job.tenant == tenant).order_by(Job.created_at)
                    .limit(20)
                ).all()  # fmt: skip
                for job in jobs:
                    if job.status == "running" and job.attempts >= max_attempts:
                        self._give_up(s, job, max_attempts)
                        continue
                    claimed = s.execute(
                        update(Job)
                        .where(
                            Job.id == job.id,
                            Job.status == job.status,
                            Job.lease_owner.is_(None)
                            if job.lease_owner is None
                            else Job.lease_owner == job.lease_owner,
                        )
                        .values(
                            status="running",
                            lease_owner=worker,
                            lease_until=t + timedelta(seconds=lease_s),
                            attempts=Job.attempts + 1,
                        )
                    ).rowcount  # type: ignore[attr-defined]
                    if claimed == 1:
                        s.refresh(job)
                        return JobView.of(job)
        return None

    @staticmethod
    def _running(s: Session, t: datetime) -> dict[str, int]:
        rows = s.execute(
            select(Job.tenant, func.count())
            .where(Job.status == "running", Job.lease_until >= t)
            .group_by(Job.tenant)
        ).all()
        return {tenant: int(n) for tenant, n in rows}

    @staticmethod
    def _give_up(s: Session, job: Job, max_attempts: int) -> None:
        Path(job.upload).unlink(missing_ok=True)
        s.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == "running", Job.lease_owner == job.lease_owner)
            .values(status="failed", lease_owner=None, rate=0.0, finished_at=now(),
                    error=f"job.abandoned: its worker stopped {max_attempts} times without "
                    f"finishing it (a crash or the memory limit); it is not tried again")
        )  # fmt: skip
        drop_outputs(s, job.id)

    def others_waiting(self, tenant: str, tenant_max: int) -> bool:
        """Whether another tenant has a job that could run now but no worker took it: the
        running job of ``tenant`` then hands its worker over (one job cannot starve others)."""
        t = now()
        with self.session() as s:
            running = self._running(s, t)
            rows = s.execute(
                select(Job.tenant).where(_waiting(t), Job.tenant != tenant).distinct()
            ).all()
            return any(running.get(r[0], 0) < tenant_max for r in rows)

    def set_total(self, job_id: str, total: int, shard_size: int | None = None) -> None:
        """The job's record count, and (ray engine) its records per shard, for good."""
        values: dict[str, int] = {"total": total}
        if shard_size is not None:
            values["shard_size"] = shard_size
        with self.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(**values))

    def commit_results(
        self,
        job_id: str,
        worker: str,
        lines: Sequence[tuple[int, bytes]],
        passed: int,
        rate: float,
        lease_s: float,
        shard: int | None = None,
    ) -> bool:
        """Record results and advance ``done`` atomically (and mark ``shard`` written,
        dropping its kept output); False if the job is no longer this worker's to run
        (cancelled, or its lease was taken over)."""
        with self.session() as s:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None or job.status != "running" or job.lease_owner != worker:
                return False
            if lines:
                s.execute(
                    insert(JobResult),
                    [{"job_id": job_id, "idx": i, "line": line} for i, line in lines],
                )
                job.done = lines[-1][0] + 1
            if shard is not None:
                s.execute(
                    update(JobShard)
                    .where(JobShard.job_id == job_id, JobShard.shard == shard)
                    .values(state="written", output=None)
                )
            job.passed += passed
            job.rate = rate
            job.lease_until = now() + timedelta(seconds=lease_s)
            return True

    def finish_job(self, job_id: str, worker: str, status: str, error: str | None = None) -> None:
        with self.session() as s:
            ended = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.lease_owner == worker, Job.status == "running")
                .values(status=status, error=error, lease_owner=None, rate=0.0, finished_at=now())
            ).rowcount  # type: ignore[attr-defined]
            if ended:  # outputs no turn will write (a failed job's) are disk back
                drop_outputs(s, job_id)

    def release_job(self, job_id: str, worker: str) -> None:
        """Give a running job back at once (its server is stopping): the lease ends now, so
        the next worker to claim takes it over at its ``done`` instead of after the lease."""
        with self.session() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.lease_owner == worker, Job.status == "running")
                .values(
                    lease_until=now() - timedelta(seconds=1), rate=0.0, attempts=Job.attempts - 1
                )  # a hand-back is not a failed attempt
            )

    def results(self, job_id: str, start: int, limit: int = 1000) -> list[tuple[int, bytes]]:
        with self.session() as s:
            rows = s.execute(
                select(JobResult.idx, JobResult.line)
                .where(JobResult.job_id == job_id, JobResult.idx >= start)
                .order_by(JobResult.idx)
                .limit(limit)
            )
            return [(i, bytes(line)) for i, line in rows]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets the results stream read while a worker writes."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
