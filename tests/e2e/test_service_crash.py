"""Crash-resume and the release gate: kill -9 the server mid-job, restart it, and check
that every sample is recorded exactly once, with the verdicts of ``toolproof verify``,
whose ``--fail-under`` decision the job's pass rate reproduces."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.toolproof.live import ServerProcess, cli_key, repeated_records, server_env
from toolproof.cli import app

pytestmark = pytest.mark.slow


def test_killed_server_resumes_the_job_and_the_gate_agrees(
    tmp_path: Path, examples_dir: Path
) -> None:
    # 1,500 records; repeats exercise the duplicate check on resume
    data = repeated_records(examples_dir / "toolace_sharegpt_100.json", 15, tmp_path / "big.jsonl")
    env = server_env(tmp_path / "home", job_lease_s="1", log_level="info")
    auth = {"Authorization": f"Bearer {cli_key(env, 'ci')}"}  # the key alone on stdout
    server = ServerProcess(env, tmp_path / "server.log")
    server.start()
    try:
        created = httpx.post(
            f"{server.url}/v1/jobs",
            content=data.read_bytes(),
            timeout=60,
            headers={**auth, "Content-Type": "application/x-ndjson"},
        )
        assert "server" not in created.headers  # `toolproof serve` does not advertise uvicorn
        job_id = created.json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["done"] > 0:
                break
            time.sleep(0.02)
        assert 0 < job["done"] < 1500, job
        server.kill()
        server.start()  # same home: the SQLite store and the upload survive
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["status"] == "done":
                break
            time.sleep(0.2)
        assert job["status"] == "done" and job["done"] == job["total"] == 1500, job
        body = httpx.get(f"{server.url}/v1/jobs/{job_id}/results", headers=auth, timeout=60)
        lines = [json.loads(line) for line in body.text.splitlines()]
    finally:
        server.stop()
    assert [x["index"] for x in lines] == list(range(1500))  # each sample exactly once
    starts = [
        json.loads(x)
        for x in (tmp_path / "server.log").read_text().splitlines()
        if '"job started"' in x
    ]
    assert [s["done"] > 0 for s in starts] == [False, True]  # resumed, not restarted
    gate = {}
    passed = job["pass_rate"]
    for rate in (f"{passed / 2:.6f}", f"{passed + 0.01:.6f}"):  # either side of the job's
        cli = CliRunner().invoke(
            app,
            ["verify", str(data), "-q", "--out", str(tmp_path / "cli.jsonl"), "--fail-under", rate],
        )
        gate[rate] = cli.exit_code
    expected = [json.loads(x) for x in (tmp_path / "cli.jsonl").read_text().splitlines()]
    assert lines == expected  # same verdicts, codes and provenance as the CLI
    for rate, code in gate.items():
        assert code == (1 if job["pass_rate"] < float(rate) else 0), (rate, job["pass_rate"])
    assert list(gate.values()) == [0, 1]
