"""A job's shards on a cluster (``TOOLPROOF_ENGINE=ray``), durable shard by shard.

The job worker cuts the upload into shards of ``job_shard_size`` records (fixed for the
job at its first run), records each shard in the store before it goes out, and stores
its output the moment the cluster returns it, in whatever order shards finish. Results
are written in input order: a shard's lines go to ``job_results`` in the transaction
that marks it written, once every shard before it has been. So a worker or node of the
cluster that dies costs its shard (Ray runs it again), and a service that dies costs
the shards then running: the next worker to claim the job writes what finished from
the store, submits only what did not, and writes no result twice (``done`` only ever
advances by whole shards, in one transaction with their rows).

What travels back from a node is compact: per record its content digest, whether it
passed, and its results line. The duplicate check spans shards, so it is the job
worker's (:class:`verifier.DuplicateMarker`, fed digests): the results are those of
``toolproof verify`` on one machine, byte for byte.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolproof.engines import Engine, VerifyWork
from toolspec.errors import DatasetError, ToolproofError

if TYPE_CHECKING:
    from toolproof.engines._verify import VerifyRunner
    from toolproof.jobs._worker import JobRunner
    from toolproof.store import JobView
    from verifier import RawRecord

#: One record's output: (content digest, passed, results line).
Item = tuple[int, bool, bytes]
_HEAD = struct.Struct(">q?I")


class JobLost(ToolproofError):
    """Raised inside a run when the job is no longer this worker's (cancelled, taken)."""

    code = "job.lost"


@dataclass(frozen=True, slots=True)
class JobShardWork:
    """A job's :class:`VerifyWork` giving compact items (see the module docstring)."""

    verify: VerifyWork

    def open(self, cpus: int | None = None) -> JobShardRunner:
        return JobShardRunner(self.verify.open(cpus))


class JobShardRunner:
    """The verify runner of a node's worker process, its results made compact."""

    def __init__(self, runner: VerifyRunner) -> None:
        self._runner = runner

    def __call__(self, shard: Iterable[RawRecord]) -> Iterator[Item]:
        from verifier import result_line

        for _, result, digest in self._runner(shard):
            yield digest, result.verdict == "pass", result_line(result)

    def close(self) -> None:
        self._runner.close()


def encode(items: Iterable[Item]) -> bytes:
    """A shard's output as the store keeps it (no pickle: the store holds only data)."""
    return b"".join(_HEAD.pack(d, ok, len(line)) + line for d, ok, line in items)


def decode(data: bytes) -> Iterator[Item]:
    at = 0
    while at < len(data):
        digest, ok, size = _HEAD.unpack_from(data, at)
        at += _HEAD.size
        yield digest, ok, data[at : at + size]
        at += size


def run_sharded(runner: JobRunner, job: JobView, engine: Engine, size: int) -> str:
    """Run ``job`` on ``engine`` in shards of ``size`` records from where it stands;
    "done" when every result is written, else why the worker stopped."""
    return _ShardedRun(runner, job, engine, size).run()


class _ShardedRun:
    def __init__(self, runner: JobRunner, job: JobView, engine: Engine, size: int) -> None:
        from verifier import DuplicateMarker

        self.r, self.job, self.engine, self.size = runner, job, engine, size
        self.store = runner.store
        self.marker = DuplicateMarker(job.layers)
        shards = self.store.shards.of(job.id)
        self.ready = {k for k, shard in shards.items() if shard.state == "done"}
        self.next = job.done // size  # shards before are written (a shard at a time)
        self.submitted: list[int] = []  # shard numbers, by position in the engine's stream
        self.written, self.started = 0, time.monotonic()

    def run(self) -> str:
        from verifier import read_dataset

        s = self.r.settings
        self._skip_written()
        # as `toolproof verify --engine ray`: the format detected here travels with the work
        detected = read_dataset(self.job.upload, self.job.format, s.read_limits).format
        work = JobShardWork(VerifyWork(detected, self.job.layers, s))
        sliced = time.monotonic()
        try:
            self._write_ready()
            for position, items in self.engine.completed(work, self._to_run()):
                k = self.submitted[position]
                if not self.store.shards.finish(
                    self.job.id, self.r.worker, k, encode(items), s.job_lease_s
                ):
                    return "cancelled"
                self.ready.add(k)
                self._write_ready()
                t = time.monotonic()
                handover = False
                if t - sliced >= s.job_slice_s:  # another tenant waiting: hand over
                    sliced = t
                    handover = self.store.others_waiting(self.job.tenant, s.tenant_max_jobs)
                if self.r.stopping.is_set() or handover:
                    self.store.release_job(self.job.id, self.r.worker)
                    return "released"
            self._write_ready()
        except JobLost:
            return "cancelled"
        if self.job.done + self.written != self.job.total:
            raise DatasetError(
                f"the upload holds {self.job.done + self.written} records, not "
                f"{self.job.total} as when the job was counted"
            )
        return "done"

    def _skip_written(self) -> None:
        """Feed the duplicate check the samples written by an earlier run."""
        if self.job.done == 0 or not self.marker.wanted:
            return
        from verifier import content_digest, read_dataset

        data = read_dataset(self.job.upload, self.job.format, self.r.settings.read_limits)
        for sample in data:
            if sample.index >= self.job.done:
                break
            self.marker.seen(content_digest(sample), sample.index)

    def _to_run(self) -> Iterator[list[RawRecord]]:
        """The shards to submit, each recorded in the store as it goes out."""
        from toolproof.engines import batched
        from verifier import iter_records

        records = iter_records(self.job.upload, self.r.settings.read_limits, decode=False)
        for k, shard in enumerate(batched(records, self.size)):
            if k < self.next or k in self.ready:
                continue  # written, or finished before the service stopped
            if not self.store.shards.start(
                self.job.id, self.r.worker, k, k * self.size, len(shard)
            ):
                raise JobLost("the job is no longer this worker's")
            self.submitted.append(k)
            yield shard

    def _write_ready(self) -> None:
        """Write, in order, every finished shard whose turn it is."""
        from verifier import result_from_line, result_line

        s = self.r.settings
        while self.next in self.ready:
            k = self.next
            output = self.store.shards.output(self.job.id, k)
            if output is None:
                raise JobLost(f"shard {k} of job {self.job.id} has no output any more")
            lines: list[tuple[int, bytes]] = []
            passed = 0
            for index, (digest, ok, line) in enumerate(decode(output), start=k * self.size):
                if index < self.job.done:
                    continue  # an earlier run on one machine wrote it
                found = self.marker.seen(digest, index)
                if found is not None:
                    marked = self.marker.mark(result_from_line(line), found)
                    line, ok = result_line(marked), marked.verdict == "pass"
                lines.append((index, line))
                passed += ok
            rate = (self.written + len(lines)) / max(time.monotonic() - self.started, 1e-6)
            if not self.store.commit_results(
                self.job.id, self.r.worker, lines, passed, rate, s.job_lease_s, shard=k
            ):
                raise JobLost("the job is no longer this worker's")
            self.r.events.samples(len(lines))
            self.written += len(lines)
            self.ready.discard(k)
            self.next += 1
