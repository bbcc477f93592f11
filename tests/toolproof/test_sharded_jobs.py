"""Jobs in shards (the service on the ray engine), with an engine that finishes shards
in reverse order of a window and a worker that dies mid-job: the results are ``toolproof
verify``'s byte for byte, each index once, and the resumed run computes no finished
shard again. The real cluster's test is ``tests/ray/test_service_ray.py``."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.toolproof.live import repeated_records, service_settings
from toolproof.engines import LocalEngine, VerifyWork, Work, verify_records
from toolproof.jobs import JobEvents, JobRunner
from toolproof.jobs._sharded import decode, encode
from toolproof.settings import Settings
from toolproof.store import JobView, Store
from verifier import iter_records, read_dataset, result_line


class Died(BaseException):
    """The service's process is gone (kill -9): nothing of the run is cleaned up."""


class ShuffledEngine:
    """Runs shards here, ``window`` at a time, and hands each window back in reverse:
    later shards finish first, as they do on a cluster. ``die_after`` shards it stops."""

    name = "shuffled"

    def __init__(self, window: int = 3, die_after: int | None = None) -> None:
        self.window, self.die_after = window, die_after
        self.ran: list[int] = []  # the first record of every shard run

    def shards(self, items: Iterable[Any], size: int) -> Iterator[Iterable[Any]]:
        raise NotImplementedError  # the job worker cuts its own shards

    def map(self, work: Work[Any, Any], shards: Iterable[Iterable[Any]]) -> Iterator[Any]:
        raise NotImplementedError

    def completed(
        self, work: Work[Any, Any], shards: Iterable[Iterable[Any]]
    ) -> Iterator[tuple[int, list[Any]]]:
        batch: list[tuple[int, list[Any]]] = []
        given = 0
        for position, out in LocalEngine().completed(work, shards):
            self.ran.append(position)
            batch.append((position, out))
            if len(batch) == self.window:
                for done in reversed(batch):
                    if given == self.die_after:
                        raise Died
                    given += 1
                    yield done
                batch = []
        yield from reversed(batch)

    def close(self) -> None:
        return None


def local_lines(path: Path, settings: Settings) -> list[bytes]:
    work = VerifyWork(read_dataset(path).format, ("rules", "exec"), settings)
    found = verify_records(LocalEngine(), work, iter_records(path), 1)
    return [result_line(r) for _, r in found]


def claim(store: Store, worker: str) -> JobView:
    for _ in range(100):
        job = store.claim_job(worker, 0.3, tenant_max=1)
        if job is not None:
            return job
        time.sleep(0.05)  # the dead worker's lease has not run out yet
    raise AssertionError("the job was never claimed")


@pytest.fixture
def setup(tmp_path: Path, examples_dir: Path) -> tuple[Settings, Store, Path]:
    settings = service_settings(tmp_path, job_shard_size=40, job_lease_s=0.3, engine="local")
    store = Store(settings.resolved_database_url)
    store.migrate()
    # 300 records, every one three times: duplicates across shards
    data = repeated_records(examples_dir / "toolace_sharegpt_100.json", 3, tmp_path / "d.jsonl")
    return settings, store, data


def test_a_sharded_job_writes_the_local_results_in_order(
    setup: tuple[Settings, Store, Path],
) -> None:
    settings, store, data = setup
    expected = local_lines(data, settings)  # before the job: its end deletes the upload
    job = store.create_job("t", "auto", ["rules", "exec"], data)
    engine = ShuffledEngine()
    runner = JobRunner(store, settings, "w1", JobEvents(), engine=engine)  # type: ignore[arg-type]
    assert runner.run(claim(store, "w1")) == "done"
    rows = store.results(job.id, 0, 10_000)
    assert [i for i, _ in rows] == list(range(300))
    assert [line for _, line in rows] == expected
    shards = store.shards.of(job.id)
    assert sorted(shards) == list(range(8)) and shards[7].count == 300 - 7 * 40
    assert {(s.state, s.runs) for s in shards.values()} == {("written", 1)}
    assert all(store.shards.output(job.id, k) is None for k in shards)  # disk back
    view = store.get_job("t", job.id)
    assert view is not None and view.done == view.total == 300 and view.shard_size == 40


def test_a_resumed_job_computes_no_finished_shard_again(
    setup: tuple[Settings, Store, Path],
) -> None:
    settings, store, data = setup
    expected = local_lines(data, settings)
    job = store.create_job("t", "auto", ["rules", "exec"], data)
    dying = ShuffledEngine(window=4, die_after=3)
    first = JobRunner(store, settings, "w1", JobEvents(), engine=dying)  # type: ignore[arg-type]
    with pytest.raises(Died):
        first.run(claim(store, "w1"))
    before = store.shards.of(job.id)
    # shards 3, 2, 1 finished (kept, not written: shard 0 had not), 0 was running
    assert {k: s.state for k, s in before.items()} == {
        0: "running",
        1: "done",
        2: "done",
        3: "done",
    }
    assert store.results(job.id, 0) == []
    engine = ShuffledEngine()
    second = JobRunner(store, settings, "w2", JobEvents(), engine=engine)  # type: ignore[arg-type]
    assert second.run(claim(store, "w2")) == "done"
    rows = store.results(job.id, 0, 10_000)
    assert [i for i, _ in rows] == list(range(300))  # each index once
    assert [line for _, line in rows] == expected
    after = store.shards.of(job.id)
    assert {k: after[k].runs for k in (1, 2, 3)} == {1: 1, 2: 1, 3: 1}  # not again
    assert after[0].runs == 2 and len(engine.ran) == 8 - 3


def test_a_job_resumed_after_a_local_run_starts_mid_shard(
    setup: tuple[Settings, Store, Path],
) -> None:
    """The service switched engines: a job half written by the local engine goes on in
    shards, and the shard holding its ``done`` writes only what follows it."""
    settings, store, data = setup
    job = store.create_job("t", "auto", ["rules", "exec"], data)
    claimed = claim(store, "w1")
    lines = local_lines(data, settings)
    assert store.commit_results(job.id, "w1", list(enumerate(lines[:50])), 0, 0.0, 30)
    store.release_job(job.id, "w1")
    runner = JobRunner(store, settings, "w2", JobEvents(), engine=ShuffledEngine())  # type: ignore[arg-type]
    assert claimed.done == 0 and runner.run(claim(store, "w2")) == "done"
    assert [line for _, line in store.results(job.id, 0, 10_000)] == lines


def test_the_stored_output_round_trips() -> None:
    items = [(-(2**63), True, b'{"a": 1}\n'), (0, False, b""), (2**63 - 1, True, b"x" * 70_000)]
    assert list(decode(encode(items))) == items
