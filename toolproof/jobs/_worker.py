"""Job workers: threads that claim queued jobs from the store and verify them.

A worker streams the uploaded file through the same ``Pipeline`` the CLI uses (layers
built by ``toolproof.compose.build_layers``), and commits results in small batches,
each batch in one transaction with the job's ``done`` counter. After a crash the next
worker skips the first ``done`` samples (feeding them to the duplicate check only, so the
verdicts stay those of one uninterrupted run) and continues: no result is lost and none is
recorded twice. Samples of the one batch in flight at the crash are verified again.

With ``TOOLPROOF_ENGINE=ray`` the pool joins the cluster once, and a job runs there in
shards whose state the store keeps (:mod:`toolproof.jobs._sharded`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from toolproof.compose import build_layers
from toolproof.engines import Engine, EngineOptions, open_engine
from toolproof.jobs._sharded import run_sharded
from toolproof.settings import Settings
from toolproof.store import JobView, Store
from toolspec.errors import ToolproofError
from verifier import Pipeline, Sample, iter_records, read_dataset, result_line

log = logging.getLogger("toolproof.jobs")

#: Why a job whose dataset holds no record fails: its summary says what the CLI's gate says.
NOTHING_VERIFIED = "no sample was verified (is the dataset empty?): zero samples never pass a gate"

#: Results per commit, and the longest a result waits before it is committed.
BATCH = 256
BATCH_S = 0.2


@dataclass
class JobEvents:
    """Hooks the service's metrics listen to (no-ops by default)."""

    samples: Callable[[int], None] = lambda n: None
    finished: Callable[[str], None] = lambda status: None


def resume(pipeline: Pipeline, samples: Iterable[Sample], start: int) -> Iterator[Sample]:
    """The samples from ``start`` on; earlier ones only feed the duplicate tracker."""
    for sample in samples:
        if sample.index >= start:
            yield sample
        else:
            pipeline.skip(sample)


def sweep_uploads(store: Store, uploads: Path, idle_s: float = 60.0) -> int:
    """Remove what a crash left in ``uploads`` (at start-up): partial ``.part`` files and
    uploads of jobs that ended or no longer exist. Only files untouched for ``idle_s``:
    another server process on the same home may be writing one right now."""
    if not uploads.is_dir():
        return 0
    live = {Path(upload).name for upload in store.live_uploads()}
    removed, old = 0, time.time() - idle_s
    for path in uploads.iterdir():
        try:
            stale = path.stat().st_mtime < old
        except FileNotFoundError:
            continue
        if stale and (path.suffix == ".part" or path.name not in live):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class JobRunner:
    """Runs one claimed job to its end, cancellation, loss of its lease, the server's stop
    (``stopping``), or for a turn of ``job_slice_s`` while another tenant's job waits for a
    worker: then what was verified is committed and the lease given back ("released"), and
    the fair claim of the store gives the worker to the tenant served least recently."""

    def __init__(self, store: Store, settings: Settings, worker: str, events: JobEvents,
                 stopping: threading.Event | None = None,
                 engine: Engine | None = None) -> None:  # fmt: skip
        self.store, self.settings, self.worker, self.events = store, settings, worker, events
        self.stopping = stopping or threading.Event()
        self.engine = engine
        """The cluster jobs run on in shards (``TOOLPROOF_ENGINE=ray``); None: here."""

    def run(self, job: JobView) -> str:
        """The job's final status as this worker saw it."""
        log.info("job started", extra={"job": job.id, "done": job.done, "worker": self.worker})
        try:
            status = self._run(job)
        except ToolproofError as exc:
            status = "failed"
            self.store.finish_job(job.id, self.worker, status, f"{exc.code}: {exc.message}")
        except Exception:  # a bug must fail the job, not kill the worker thread
            log.exception("job crashed", extra={"job": job.id})
            status = "failed"
            self.store.finish_job(job.id, self.worker, status, "internal error (see logs)")
        log.info("job ended", extra={"job": job.id, "status": status})
        if status != "released":  # a released job goes on in the next server
            Path(job.upload).unlink(missing_ok=True)  # results are in the store: disk back
            self.events.finished(status)
        return status

    def _run(self, job: JobView) -> str:
        s = self.settings
        total = job.total
        if total is None:
            total = self.count(job)
            if total is None:
                return "cancelled"
        if self.engine is None:
            if job.total is None:
                self.store.set_total(job.id, total)
            status = self._run_here(job)
        else:
            size = job.shard_size or s.job_shard_size
            if job.total is None or job.shard_size is None:
                self.store.set_total(job.id, total, shard_size=size)
            job = replace(job, total=total, shard_size=size)
            status = run_sharded(self, job, self.engine, size)
        if status != "done":
            return status
        if total == 0:
            self.store.finish_job(job.id, self.worker, "failed", NOTHING_VERIFIED)
            return "failed"
        self.store.finish_job(job.id, self.worker, "done")
        return "done"

    def _run_here(self, job: JobView) -> str:
        """The job in this process, committing results in small batches; "done" at its end."""
        s = self.settings
        with ExitStack() as stack:
            extra, provenance = build_layers(job.layers, settings=s, stack=stack)
            pipeline = Pipeline(job.layers, extra_layers=extra, provenance=provenance)
            data = read_dataset(job.upload, job.format, s.read_limits)
            batch: list[tuple[int, bytes]] = []
            passed, verified, started = 0, 0, time.monotonic()
            flushed = sliced = started
            for _, result in pipeline.run(resume(pipeline, data, job.done)):
                batch.append((result.index, result_line(result)))
                passed += result.verdict == "pass"
                verified += 1
                t = time.monotonic()
                if t - sliced >= s.job_slice_s:  # another tenant waiting: hand the worker over
                    sliced = t
                    handover = self.store.others_waiting(job.tenant, s.tenant_max_jobs)
                else:
                    handover = False
                if self.stopping.is_set() or handover:
                    if self.store.commit_results(
                        job.id, self.worker, batch, passed, 0.0, s.job_lease_s
                    ):
                        self.events.samples(len(batch))
                        self.store.release_job(job.id, self.worker)
                    return "released"
                if len(batch) >= BATCH or t - flushed >= BATCH_S:
                    rate = verified / max(t - started, 1e-6)
                    if not self.store.commit_results(
                        job.id, self.worker, batch, passed, rate, s.job_lease_s
                    ):
                        return "cancelled"
                    self.events.samples(len(batch))
                    batch, passed, flushed = [], 0, t
            rate = verified / max(time.monotonic() - started, 1e-6)
            if not self.store.commit_results(
                job.id, self.worker, batch, passed, rate, s.job_lease_s
            ):
                return "cancelled"
            self.events.samples(len(batch))
        return "done"

    def count(self, job: JobView, check_every_s: float = 0.5) -> int | None:
        """The job's record count, or None once the job is no longer running (cancelled):
        counting a large upload takes seconds, and a cancel must free the worker at once."""
        n, checked = 0, time.monotonic()
        for _ in iter_records(job.upload, self.settings.read_limits, decode=False):
            n += 1
            if time.monotonic() - checked >= check_every_s:
                checked = time.monotonic()
                current = self.store.get_job(None, job.id)
                if current is None or current.status != "running":
                    return None
        return n


class WorkerPool:
    """``size`` threads claiming and running jobs until :meth:`stop`."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        size: int | None = None,
        events: JobEvents | None = None,
        poll_s: float = 0.2,
    ) -> None:
        self.store, self.settings, self.poll_s = store, settings, poll_s
        self.size = settings.job_workers if size is None else size
        self.events = events or JobEvents()
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.threads: list[threading.Thread] = []
        self.busy = 0
        self._engine: Engine | None = None
        if settings.engine != "local":  # joined now: a cluster out of reach stops the start
            self._engine = open_engine(settings.engine, EngineOptions.of(settings))

    def start(self) -> None:
        for n in range(self.size):
            worker = f"{uuid.uuid4().hex[:12]}-{n}"
            t = threading.Thread(target=self._loop, args=(worker,), name=f"job-{n}", daemon=True)
            t.start()
            self.threads.append(t)

    def notify(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self.wake.set()

    def _loop(self, worker: str) -> None:
        runner = JobRunner(
            self.store, self.settings, worker, self.events, self.stopping, self._engine
        )
        migrated = False
        while not self.stopping.is_set():
            try:
                if not migrated:  # the store may have been down when the server started
                    self.store.migrate()
                    migrated = True
                s = self.settings
                job = self.store.claim_job(
                    worker, s.job_lease_s, s.tenant_max_jobs, s.job_max_attempts
                )
            except ToolproofError as exc:  # the store is down: try again later
                log.warning("cannot claim jobs", extra={"error": exc.message})
                job = None
            if job is None:
                self.wake.wait(self.poll_s)
                self.wake.clear()
                continue
            self.busy += 1
            try:
                runner.run(job)
            except ToolproofError as exc:  # the store went down mid-job; the lease expires
                log.warning("job interrupted", extra={"job": job.id, "error": exc.message})
            finally:
                self.busy -= 1

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.wake.set()
        for t in self.threads:
            t.join(timeout)
        if self._engine is not None:
            self._engine.close()
            self._engine = None
