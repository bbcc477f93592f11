"""The engine seam on the local engine: shards give, byte for byte, what one pipeline over
the whole dataset gives (the Ray engine runs the same shards elsewhere: tests/ray)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import DATA, EXAMPLES
from toolproof.compose import build_layers
from toolproof.engines import (
    EngineError,
    EngineOptions,
    LocalEngine,
    VerifyWork,
    batched,
    engine_names,
    open_engine,
    verify_records,
)
from toolproof.settings import Settings
from toolspec.errors import ConfigError
from verifier import (
    DuplicateMarker,
    Finding,
    Pipeline,
    SampleResult,
    iter_records,
    read_dataset,
    result_line,
)

DATASETS = sorted(
    [p for p in (DATA / "datasets").iterdir() if p.suffix in (".json", ".jsonl")]
    + [EXAMPLES / "toolace_sharegpt_100.json", EXAMPLES / "glaive_toolcall_en_demo.json"]
)


def whole(path: Path, layers: str, settings: Settings) -> list[bytes]:
    """The reference: one pipeline over the whole file, as `verify` ran before shards."""
    with ExitStack() as stack:
        chosen = tuple(layers.split(","))
        extra, provenance = build_layers(chosen, settings=settings, stack=stack)
        pipeline = Pipeline(chosen, extra_layers=extra, provenance=provenance)
        return [result_line(r) for _, r in pipeline.run(read_dataset(path))]


class Batches(LocalEngine):
    """The ray engine's shards (lists of ``size``), each run on its own pipeline, here:
    what a cluster computes, without one."""

    def shards(self, items: Iterable[Any], size: int) -> Iterator[list[Any]]:
        return batched(items, size)


def sharded(path: Path, layers: str, settings: Settings, size: int) -> list[bytes]:
    data = read_dataset(path)
    work = VerifyWork(data.format, tuple(layers.split(",")), settings)
    pairs = verify_records(Batches(), work, iter_records(path), size)
    return [result_line(r) for _, r in pairs]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path)


@pytest.mark.parametrize("path", DATASETS, ids=lambda p: p.name)
def test_shards_give_the_whole_datasets_results(path: Path, settings: Settings) -> None:
    expected = whole(path, "rules,judge", settings)
    for size in (1, 3, 10_000):
        assert sharded(path, "rules,judge", settings, size) == expected, size


@pytest.fixture
def repeats(tmp_path: Path) -> Path:
    """Records with judge findings, repeated across shards, around unreadable lines."""
    records = orjson.loads((DATA / "datasets" / "toolace_sharegpt_8.json").read_bytes())
    lines = [orjson.dumps(r) for r in records]
    lines += [b'{"broken', lines[2], b"[1, 2]", lines[5], lines[2], b"{}", lines[7]]
    path = tmp_path / "repeats.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_duplicates_across_shards_are_found_where_one_pipeline_finds_them(
    repeats: Path, settings: Settings
) -> None:
    expected = whole(repeats, "rules,exec,judge", settings)
    results = [orjson.loads(line) for line in expected]
    repeated = [r for r in results if "duplicates record" in str(r["findings"])]
    assert len(repeated) >= 4  # the test means something: repeats exist and have findings
    assert any(r["findings"][-1]["layer"] == "judge" for r in repeated)
    for size in (1, 4):
        assert sharded(repeats, "rules,exec,judge", settings, size) == expected


def test_the_duplicate_goes_after_the_rule_findings_and_fails_the_sample() -> None:
    from verifier import read_dataset as _  # noqa: F401  # the readers register

    sample = next(iter(read_dataset(DATA / "datasets" / "openai_chat_9.jsonl")))
    result = SampleResult(
        id="a",
        index=1,
        verdict="pass",
        score=0.8333,
        findings=[
            Finding.of("spec.unclear", "vague", severity="warning"),
            Finding.of("judge.unavailable", "no answer"),
        ],
        provenance={},
    )
    mark = DuplicateMarker(("rules", "judge"))
    assert mark(sample, result) is result  # the first of its content
    again = mark(sample, result)
    assert [f.code for f in again.findings] == [
        "spec.unclear",
        "sample.inconsistent",
        "judge.unavailable",
    ]
    assert again.verdict == "fail" and again.score < result.score
    assert DuplicateMarker(("judge",))(sample, result) is result  # no rule layer, no check


class CountingWork:
    """A work that records its opening and closing: the local engine opens it once."""

    def __init__(self) -> None:
        self.opened = self.closed = 0

    def open(self) -> CountingWork:
        self.opened += 1
        return self

    def __call__(self, shard: Iterable[int]) -> Iterator[int]:
        for item in shard:
            yield item * 10

    def close(self) -> None:
        self.closed += 1


def test_the_local_engine_streams_through_a_work_opened_once() -> None:
    engine, work = LocalEngine(), CountingWork()
    stream = iter(range(10))
    (shard,) = engine.shards(stream, 3)
    assert shard is stream  # nothing travels: the stream is the one shard, not a copy
    results = engine.map(work, [shard])
    assert work.opened == 1  # before any item: a layer that cannot start fails first
    assert list(results) == [i * 10 for i in range(10)]
    assert work.closed == 1
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]  # the ray engine's


def test_engines_by_name() -> None:
    assert engine_names() == ["local", "ray"]
    assert isinstance(open_engine("local"), LocalEngine)
    with pytest.raises(ConfigError, match="unknown engine 'spark'; known engines: local, ray"):
        open_engine("spark")
    with pytest.raises(EngineError, match="use --engine ray"):
        open_engine("local", EngineOptions(address="127.0.0.1:6379"))
    with pytest.raises(ConfigError, match="at least one"):
        list(batched([1], 0))


def test_the_ray_engine_without_ray_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    with pytest.raises(EngineError, match=r"pip install 'toolproof\[ray\]'"):
        open_engine("ray")


@pytest.fixture
def not_a_head() -> Iterator[str]:
    """A loopback port that accepts connections and closes them: no Ray head."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def nobody() -> str:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.create_server(("127.0.0.1", 0)) as closed:
        return f"127.0.0.1:{closed.getsockname()[1]}"


def test_an_unreachable_address_is_one_sentence_within_seconds(
    tmp_path: Path, not_a_head: str, nobody: str
) -> None:
    dataset = str(EXAMPLES / "toolace_sharegpt_100.json")
    for address, reason in ((nobody, "connection refused"), (not_a_head, "speaks no gRPC")):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "toolproof", "verify", dataset, "--engine", "ray",
             "--address", address],
            env={**os.environ, "COLUMNS": "200", "TOOLPROOF_HOME": str(tmp_path)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert time.monotonic() - started < 10
        assert done.returncode == 2
        assert done.stderr.startswith(f"error: cannot reach the Ray cluster at {address}: ")
        assert reason in done.stderr and "Traceback" not in done.stderr
        assert done.stderr.count("\n") <= 3  # one sentence, wrapped at most


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_an_engine_it_cannot_use_stops_with_one_sentence(
    tmp_path: Path, workers: str, nobody: str
) -> None:
    for engine, said in (("spark", "unknown engine 'spark'; known engines: local, ray"),
                         ("ray", f"cannot reach the Ray cluster at {nobody}: ")):  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "toolproof", "serve", "--port", "1", "--workers", workers],
            env={**os.environ, "TOOLPROOF_HOME": str(tmp_path), "TOOLPROOF_ENGINE": engine,
                 "TOOLPROOF_RAY_ADDRESS": nobody},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert time.monotonic() - started < 10
        assert done.returncode == 2 and done.stderr.startswith(f"error: {said}")
        assert "Traceback" not in done.stderr and done.stderr.count("\n") <= 3


def test_the_local_engine_completes_shards_in_order() -> None:
    work = CountingWork()
    done = list(LocalEngine().completed(work, batched(range(7), 3)))
    assert done == [(0, [0, 10, 20]), (1, [30, 40, 50]), (2, [60])]
    assert (work.opened, work.closed) == (1, 1)


def test_a_silent_address_times_out() -> None:
    from toolproof.engines._address import check_head

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(EngineError, match=r"no answer within 0.5 s"):
            check_head(address, timeout=0.5)
        assert time.monotonic() - started < 2
    with pytest.raises(EngineError, match="takes HOST:PORT"):
        check_head("ray://head")


def test_a_work_opened_with_cpus_runs_that_many_sandbox_workers(tmp_path: Path) -> None:
    """A Ray task is given one CPU of its node: its exec layer starts one sandbox worker,
    not one per CPU it could run on (every task of the node would start as many)."""
    work = VerifyWork("sharegpt", ("rules", "exec"), Settings(home=tmp_path))
    for cpus in (1, 3):
        runner = work.open(cpus)
        try:
            layer = runner._extra["exec"]  # the exec layer is its own check
            assert layer.concurrency == cpus
        finally:
            runner.close()
