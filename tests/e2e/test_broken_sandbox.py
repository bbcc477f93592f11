"""A sandbox that cannot run code fails the command at once, never the data.

The machine's ``unshare`` is shadowed by one that passes the isolation probe but cannot
start a worker (as in a container whose seccomp profile refuses namespaces to the
worker): every command that executes must end within 10 s with exit 2 and one sentence
naming ``toolproof sandbox doctor``; the service must turn unready and fail a job that
executes, with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.toolproof.live import ROOT, ServerProcess, cli_key

FAKE_UNSHARE = """#!/bin/sh
for last; do :; done
[ "$last" = true ] && exit 0
echo "unshare: unshare failed: Operation not permitted" >&2
exit 1
"""
GLAIVE = ROOT / "examples" / "glaive_toolcall_en_demo.json"
TOOLS = ROOT / "examples" / "seeds" / "glaive_tools.json"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "unshare").write_text(FAKE_UNSHARE)
    (fake / "unshare").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    env["TOOLPROOF_HOME"] = str(tmp_path / "home")
    env.pop("TOOLPROOF_DATABASE_URL", None)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 30) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "toolproof", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stderr, time.monotonic() - started


def _one_clear_sentence(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "toolproof sandbox doctor" in stderr, stderr
    assert "Operation not permitted" in stderr, stderr


def test_verify_exec_stops_instead_of_charging_the_data(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    code, stderr, took = _run(
        env, "verify", str(GLAIVE), "--layers", "rules,exec", "--out", str(out)
    )
    assert code == 2 and took < 10, (code, took, stderr)
    _one_clear_sentence(stderr)
    assert not out.exists() or "exec.crash" not in out.read_text()


def test_sandbox_run_and_mock_serve_fail_fast(env: dict[str, str], tmp_path: Path) -> None:
    tools = tmp_path / "tools.py"
    tools.write_text("def add(a, b):\n    return a + b\n")
    code, stderr, took = _run(
        env,
        "sandbox",
        "run",
        "--backend",
        "process",
        "--code",
        str(tools),
        "--entry",
        "add",
        "--args",
        '{"a": 1, "b": 2}',
    )
    assert code == 2 and took < 10, (code, took, stderr)
    _one_clear_sentence(stderr)
    code, stderr, took = _run(env, "mock", "serve", str(TOOLS), "--port", "1")
    assert code == 2 and took < 10, (code, took, stderr)
    _one_clear_sentence(stderr)


def test_synth_dialogs_fail_fast(env: dict[str, str], tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    code, stderr, _ = _run(
        env,
        "synth",
        "pool",
        "--seeds",
        str(TOOLS),
        "--out",
        str(pool),
        "--target",
        "20",
        timeout=120,
    )
    assert code == 0, stderr
    code, stderr, took = _run(
        env,
        "synth",
        "dialogs",
        "--pool",
        str(pool),
        "--out",
        str(tmp_path / "d.jsonl"),
        "--n",
        "1000",
    )
    assert code == 2 and took < 10, (code, took, stderr)
    _one_clear_sentence(stderr)


def test_doctor_names_the_missing_piece(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "toolproof", "sandbox", "doctor", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    process = next(row for row in json.loads(done.stdout) if row["backend"] == "process")
    assert not process["works"] and "Operation not permitted" in process["detail"]


@pytest.mark.slow
def test_service_turns_unready_and_fails_the_job(env: dict[str, str], tmp_path: Path) -> None:
    key = cli_key(env, "t")
    auth = {"Authorization": f"Bearer {key}"}
    server = ServerProcess(env, tmp_path / "server.log")
    server.start()
    try:
        ready = httpx.get(f"{server.url}/readyz", timeout=30)
        assert ready.status_code == 503, ready.text
        assert "toolproof sandbox doctor" in ready.json()["checks"]["sandbox"]
        created = httpx.post(
            f"{server.url}/v1/jobs?layers=rules,exec",
            content=GLAIVE.read_bytes(),
            headers={**auth, "Content-Type": "application/json"},
            timeout=30,
        )
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.1)
        assert job["status"] == "failed", job
        assert "toolproof sandbox doctor" in json.dumps(job)
    finally:
        server.stop()
