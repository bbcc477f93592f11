"""``verify`` on a real Ray cluster gives, byte for byte, the local engine's results."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import DATA, EXAMPLES
from tests.ray.cluster import LocalCluster, node_processes
from toolproof.engines import Engine, LocalEngine, VerifyWork, verify_records
from toolproof.settings import Settings
from verifier import iter_records, read_dataset, result_line

pytestmark = pytest.mark.ray

DATASETS = sorted(
    [p for p in (DATA / "datasets").iterdir() if p.suffix in (".json", ".jsonl")]
    + [EXAMPLES / "toolace_sharegpt_100.json", EXAMPLES / "glaive_toolcall_en_demo.json"]
)


def lines(engine: Engine, path: Path, layers: str, settings: Settings, size: int) -> list[bytes]:
    """The results file of ``toolproof verify`` on ``engine`` (which reads as this does)."""
    limits = settings.read_limits
    work = VerifyWork(read_dataset(path, "auto", limits).format, tuple(layers.split(",")), settings)
    records = iter_records(path, limits, decode=False)
    return [result_line(r) for _, r in verify_records(engine, work, records, size)]


def test_every_sample_dataset_verifies_as_locally(ray_engine: Engine, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    for path in DATASETS:
        local = lines(LocalEngine(), path, "rules,exec,judge", settings, 10_000)
        assert lines(ray_engine, path, "rules,exec,judge", settings, 7) == local, path.name


def test_unreadable_records_are_results_of_their_shards(ray_engine: Engine, tmp_path: Path) -> None:
    """Broken JSON, invalid UTF-8, a record past the size limit, nesting past orjson's
    depth: each is a ``sample.unreadable`` result from the node its shard ran on (the
    bytes travel undecoded), as the local engine gives it, and no shard is lost."""
    good = (EXAMPLES / "toolace_sharegpt_100.json").read_bytes()
    records = [orjson.dumps(r) for r in orjson.loads(good)[:12]]
    bad = [b'{"conversations": [', b'{"id": "\xff"}', b'{"x": "' + b"y" * 20_000 + b'"}',
           b"[" * 1100 + b"]" * 1100, b"nul"]  # fmt: skip
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(x for pair in zip(records, bad * 3, strict=False) for x in pair))
    settings = Settings(home=tmp_path, max_record_bytes=16_384)
    local = lines(LocalEngine(), path, "rules,exec", settings, 10_000)
    assert sum(b"sample.unreadable" in x for x in local) == 12
    assert lines(ray_engine, path, "rules,exec", settings, 5) == local


def running_a_shard(node: int) -> bool:
    """Whether a worker process of the node runs a shard now (Ray titles a worker
    process after the task it runs)."""
    for pid in node_processes(node):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"ray::_run_shard"):
                return True
    return False


@contextlib.contextmanager
def killed_while_running_a_shard(
    cluster: LocalCluster, node: subprocess.Popen[bytes]
) -> Iterator[threading.Event]:
    """Watch ``node`` from a thread and kill it the moment one of its worker processes
    runs a shard; the event is set once it has been (the caller checks). A thread, not
    the test's loop between results: a shard of a few records runs for milliseconds, and
    on a loaded machine results come in bursts far apart."""
    killed, stop = threading.Event(), threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if running_a_shard(node.pid):
                cluster.kill(node)
                killed.set()
                return
            time.sleep(0.002)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield killed
    finally:
        stop.set()
        thread.join(60)


def test_a_node_killed_mid_job_costs_only_its_shards(
    cluster: LocalCluster, ray_engine: Engine, tmp_path: Path
) -> None:
    """The node dies while it runs a shard: Ray runs that shard (and any result it held)
    again on the others, and every record still has exactly one result, in order."""
    records = orjson.loads((EXAMPLES / "toolace_sharegpt_100.json").read_bytes())
    path = tmp_path / "twelve-times.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records * 12))
    settings = Settings(home=tmp_path)
    expected = lines(LocalEngine(), path, "rules,exec", settings, 10_000)
    doomed = cluster.add_node()
    work = VerifyWork("sharegpt", ("rules", "exec"), settings)
    with killed_while_running_a_shard(cluster, doomed) as killed:
        got = [result_line(r) for _, r in verify_records(ray_engine, work, iter_records(path), 4)]
    assert killed.is_set(), "the node never ran a shard"
    assert [orjson.loads(x)["index"] for x in got] == list(range(1200))
    assert got == expected
