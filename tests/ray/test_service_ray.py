"""The service's jobs on a real Ray cluster (``TOOLPROOF_ENGINE=ray``): a worker node
killed while it runs a shard and the service killed -9 mid-job cost only their shards;
the restarted service finishes the job with ``toolproof verify``'s results, each index
once, and runs no shard again that had finished."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.ray.cluster import LocalCluster
from tests.ray.test_verify_ray import killed_while_running_a_shard, lines
from tests.toolproof.live import ServerProcess, cli_key, repeated_records, server_env
from toolproof.engines import LocalEngine
from toolproof.settings import Settings
from toolproof.store import Store

pytestmark = pytest.mark.ray

RECORDS, SHARD = 3000, 25


def wait(what: str, check: object, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_node_and_a_killed_service_cost_only_their_shards(
    cluster: LocalCluster, tmp_path: Path, examples_dir: Path
) -> None:
    copies = RECORDS // 100
    source = examples_dir / "toolace_sharegpt_100.json"
    data = repeated_records(source, copies, tmp_path / "d.jsonl")
    expected = lines(LocalEngine(), data, "rules,exec", Settings(home=tmp_path), 10_000)
    home = tmp_path / "home"
    env = server_env(home, engine="ray", ray_address=cluster.address, job_lease_s="2",
                     job_shard_size=str(SHARD), log_level="info")  # fmt: skip
    auth = {"Authorization": f"Bearer {cli_key(env, 'ci')}"}
    store = Store(f"sqlite:///{home / 'toolproof.db'}")
    doomed = cluster.add_node()
    server = ServerProcess(env, tmp_path / "server.log")
    server.start(timeout=180)
    try:
        created = httpx.post(
            f"{server.url}/v1/jobs?layers=rules,exec", content=data.read_bytes(), timeout=60,
            headers={**auth, "Content-Type": "application/x-ndjson"},
        )  # fmt: skip
        job_id = created.json()["id"]
        with killed_while_running_a_shard(cluster, doomed) as killed:
            # Ray runs its shards again on the other nodes
            wait("a shard on the doomed node", killed.is_set)
        finished = lambda: {k for k, s in store.shards.of(job_id).items()  # noqa: E731
                            if s.state != "running"}  # fmt: skip
        wait("a finished shard", lambda: len(finished()) >= 2)
        server.kill()
        before = finished()
        assert 0 < len(before) < RECORDS // SHARD, before  # killed mid-job
        server.start(timeout=180)  # same home: the store and the upload survive
        job: dict[str, object] = {}

        def ended() -> bool:
            job.update(httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth).json())
            return job["status"] in ("done", "failed", "cancelled")

        wait("the job's end", ended)
        assert job["status"] == "done" and job["done"] == job["total"] == RECORDS, job
        body = httpx.get(f"{server.url}/v1/jobs/{job_id}/results", headers=auth, timeout=60)
    finally:
        server.stop()
    got = body.content.splitlines(keepends=True)
    assert [json.loads(x)["index"] for x in got] == list(range(RECORDS))  # each index once
    assert got == expected  # `toolproof verify`'s results, byte for byte
    shards = store.shards.of(job_id)
    assert len(shards) == RECORDS // SHARD
    assert {k: shards[k].runs for k in before} == dict.fromkeys(before, 1)  # none again
    assert {s.state for s in shards.values()} == {"written"}
    starts = [json.loads(x) for x in (tmp_path / "server.log").read_text().splitlines()
              if '"job started"' in x]  # fmt: skip
    assert len(starts) == 2  # the job went on in the restarted service
