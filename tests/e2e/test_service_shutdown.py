"""SIGTERM mid-job: the server stops within seconds and gives the job's lease back, so the
next server resumes it at once (not after the lease) with every result exactly once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.toolproof.live import ServerProcess, cli_key, repeated_records, server_env

pytestmark = pytest.mark.slow


def test_sigterm_releases_the_lease_and_the_next_server_resumes_at_once(
    tmp_path: Path, examples_dir: Path
) -> None:
    data = repeated_records(examples_dir / "toolace_sharegpt_100.json", 80, tmp_path / "big.jsonl")
    env = server_env(tmp_path / "home", job_lease_s="30")
    auth = {"Authorization": f"Bearer {cli_key(env, 'ci')}"}
    server = ServerProcess(env, tmp_path / "server.log")
    server.start()
    try:
        job_id = httpx.post(
            f"{server.url}/v1/jobs",
            content=data.read_bytes(),
            timeout=60,
            headers={**auth, "Content-Type": "application/x-ndjson"},
        ).json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["done"] > 0:
                break
            time.sleep(0.02)
        assert 0 < job["done"] < 8000, job
        assert server.proc is not None
        started = time.monotonic()
        server.proc.terminate()
        server.proc.wait(30)
        assert time.monotonic() - started < 4, "shutdown took too long"
        server.start()
        stopped = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
        resumed = time.monotonic()
        while time.monotonic() - resumed < 10:  # far less than the 30 s lease
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["done"] > stopped["done"] or job["status"] == "done":
                break
            time.sleep(0.05)
        assert job["done"] > stopped["done"] or job["status"] == "done", (stopped, job)
        deadline = time.monotonic() + 180
        while job["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
        assert job["status"] == "done" and job["done"] == 8000, job
        body = httpx.get(f"{server.url}/v1/jobs/{job_id}/results", headers=auth, timeout=60)
        indexes = [json.loads(line)["index"] for line in body.text.splitlines()]
        assert indexes == list(range(8000))
    finally:
        server.stop()
