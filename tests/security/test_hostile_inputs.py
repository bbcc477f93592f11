"""Hostile inputs (issue 15) against a live ``toolproof serve`` and the CLI, memory-capped.

Each probe is small to send and was fatal or minutes-long before: an array nested 100,000
deep, a 1 MB gzip inflating to 1 GiB, a string and a JSONL line past their limits, and a
catastrophic ``patternProperties`` regex. The server runs as a child process under
``prlimit --as`` (address space), with tighter shape limits set through ``TOOLPROOF_*`` so
that the probes stay small; a thread polls ``/healthz`` throughout and every probe asserts
its time, its status, its findings, and that the server kept answering. The CLI probes
run ``toolproof verify`` under the same cap with the default limits.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.toolproof.live import ROOT, ServerProcess

pytestmark = pytest.mark.timeout(180)

MIB = 1024 * 1024
#: Address-space cap of the server and of each CLI run. An idle server maps ~350 MB.
CAP_AS = 2048 * MIB
#: Peak resident memory the server may reach over every probe.
MAX_RSS_MB = 600
SERVER_LIMITS = {
    "TOOLPROOF_MAX_STRING_BYTES": str(1 * MIB),
    "TOOLPROOF_MAX_RECORD_BYTES": str(4 * MIB),
}
#: A valid OpenAI-format record: what follows each hostile one, and must still pass.
AFTER = json.dumps({"id": "after", "messages": [
    {"role": "user", "content": "Hello there."},
    {"role": "assistant", "content": "Hello! How can I help?"},
]}).encode()  # fmt: skip
DEEP = b"[" + b"[" * 100_000 + b"]" * 100_000 + b"," + AFTER + b"]"
REDOS_TOOL = {
    "type": "function",
    "function": {
        "name": "f",
        "description": "Does f.",
        "parameters": {
            "type": "object",
            "properties": {"x": {"type": "string", "pattern": "^(a+)+$", "description": "An x"}},
            "patternProperties": {"^(a+)+$": {"type": "integer"}},
            "additionalProperties": False,
        },
    },
}


def redos_record(arguments: dict[str, Any]) -> dict[str, Any]:
    call = {"id": "c1", "type": "function",
            "function": {"name": "f", "arguments": json.dumps(arguments)}}  # fmt: skip
    return {
        "messages": [
            {"role": "user", "content": "do f"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "{}"},
        ],
        "tools": [REDOS_TOOL],
    }


def gzip_of_one_giant_string(size: int) -> bytes:
    """``[{"s": "aaa…"}, {"id": "after"}]`` gzipped, built without holding ``size`` bytes."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"a" * MIB
    parts = [z.compress(b'[{"id": "bomb", "s": "')]
    parts += [z.compress(block) for _ in range(size // MIB)]
    parts += [z.compress(b'"}, ' + AFTER + b"]"), z.flush()]
    return b"".join(parts)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = gzip_of_one_giant_string(1024 * MIB)  # 1 GiB inflated
    assert len(data) < 2 * MIB
    return data


class Health:
    """Polls ``/healthz`` in a thread; the slowest answer and any failure are kept."""

    def __init__(self, url: str) -> None:
        self.url, self.slowest = url, 0.0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    status = client.get(self.url + "/healthz").status_code
                except httpx.HTTPError as exc:
                    self.failures.append(repr(exc))
                else:
                    if status != 200:
                        self.failures.append(f"status {status}")
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.stop.wait(0.05)

    def __enter__(self) -> Health:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(15)
        assert not self.failures, self.failures
        assert self.slowest < 1.0, f"/healthz took {self.slowest:.2f} s"


class CappedServer(ServerProcess):
    """``toolproof serve`` under ``prlimit --as``."""

    def start(self, timeout: float = 90) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            ["prlimit", f"--as={CAP_AS}", sys.executable, "-m", "toolproof", "serve",
             "--port", str(self.port)],
            env=self.env, stdout=out, stderr=out, cwd=ROOT,
        )  # fmt: skip
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer /healthz in time")

    def peak_rss_mb(self) -> float:
        assert self.proc is not None and self.proc.poll() is None, "the server died"
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024


def base_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "TOOLPROOF_HOME": str(home), "MALLOC_ARENA_MAX": "2"}
    env.pop("TOOLPROOF_DATABASE_URL", None)
    return env


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CappedServer, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("hostile")
    env = {**base_env(tmp / "home"), **SERVER_LIMITS, "TOOLPROOF_LOG_LEVEL": "warning"}
    key = subprocess.run(
        [sys.executable, "-m", "toolproof", "keys", "create", "--tenant", "attacker"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    server = CappedServer(env, tmp / "server.log")
    server.start()
    try:
        yield server, {"Authorization": f"Bearer {key}"}
        assert server.peak_rss_mb() < MAX_RSS_MB
    finally:
        server.stop()


def run_job(
    live: tuple[CappedServer, dict[str, str]], body: bytes, media: str
) -> tuple[list[dict[str, Any]], float]:
    """Upload ``body`` as a job, wait for its end; its result lines and the seconds taken."""
    server, auth = live
    started = time.perf_counter()
    with Health(server.url):
        created = httpx.post(f"{server.url}/v1/jobs?format=openai", content=body, timeout=60,
                             headers={**auth, "Content-Type": media})  # fmt: skip
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = httpx.get(f"{server.url}/v1/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        text = httpx.get(f"{server.url}/v1/jobs/{job_id}/results", headers=auth, timeout=30).text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [r["index"] for r in lines] == list(range(len(lines)))
    return lines, time.perf_counter() - started


def passed_after(result: dict[str, Any]) -> bool:
    return result["id"] == "after" and result["verdict"] == "pass"


def unreadable(result: dict[str, Any]) -> str:
    found = [f for f in result["findings"] if f["code"] == "sample.unreadable"]
    assert result["verdict"] == "fail" and len(found) == 1, result["findings"]
    return str(found[0]["message"])


def test_deep_nesting_job(live: tuple[CappedServer, dict[str, str]]) -> None:
    lines, seconds = run_job(live, DEEP, "application/json")
    assert len(lines) == 2 and "max_depth" in unreadable(lines[0])
    assert passed_after(lines[1])
    assert seconds < 20


def test_gzip_bomb_job(live: tuple[CappedServer, dict[str, str]], bomb: bytes) -> None:
    lines, seconds = run_job(live, bomb, "application/gzip")
    assert len(lines) == 1 and "max_gzip_ratio" in unreadable(lines[0])
    assert seconds < 20


def test_giant_string_job(live: tuple[CappedServer, dict[str, str]]) -> None:
    body = gzip.compress(b'[{"s": "' + b"a" * (2 * MIB) + b'"}, ' + AFTER + b"]", 1)
    lines, seconds = run_job(live, body, "application/gzip")
    assert len(lines) == 2 and "max_string_bytes" in unreadable(lines[0])
    assert passed_after(lines[1])
    assert seconds < 20


def test_giant_line_job(live: tuple[CappedServer, dict[str, str]]) -> None:
    body = b'{"id": "a"}\n{"s": "' + b"x" * (8 * MIB) + b'"}\n' + AFTER + b"\n"
    lines, seconds = run_job(live, body, "application/x-ndjson")
    assert len(lines) == 3 and "max_record_bytes" in unreadable(lines[1])
    assert passed_after(lines[2])
    assert seconds < 20


@pytest.mark.parametrize(
    "arguments",
    [{"a" * 29 + "!": 1}, {"a" * 5000 + "!": 1}, {"x": "a" * 5000 + "!"}],
    ids=["key-29", "key-5000", "value-5000"],
)
def test_redos_pattern_verify(
    live: tuple[CappedServer, dict[str, str]], arguments: dict[str, Any]
) -> None:
    server, auth = live
    body = {"samples": [redos_record(arguments)], "format": "openai", "layers": ["rules"]}
    with Health(server.url):
        started = time.perf_counter()
        answer = httpx.post(f"{server.url}/v1/verify", json=body, headers=auth, timeout=30)
        seconds = time.perf_counter() - started
    assert answer.status_code == 200, answer.text
    codes = [f["code"] for f in answer.json()["results"][0]["findings"]]
    assert codes in (["call.unknown_param"], ["call.format_violation"])
    assert seconds < 2


# --- the CLI, under the same address-space cap, default limits ---------------------------


def verify_capped(tmp_path: Path, name: str, data: bytes) -> tuple[list[dict[str, Any]], float]:
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / f"{name}.results.jsonl"
    started = time.perf_counter()
    done = subprocess.run(
        ["prlimit", f"--as={CAP_AS}", sys.executable, "-m", "toolproof", "verify", str(path),
         "--format", "openai", "--layers", "rules", "--out", str(out), "-q"],
        env=base_env(tmp_path / "home"), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return [json.loads(line) for line in out.read_text().splitlines()], seconds


def test_cli_deep_nesting(tmp_path: Path) -> None:
    lines, seconds = verify_capped(tmp_path, "deep.json", DEEP)
    assert len(lines) == 2 and "max_depth" in unreadable(lines[0])
    assert seconds < 30


def test_cli_gzip_bomb(tmp_path: Path, bomb: bytes) -> None:
    lines, seconds = verify_capped(tmp_path, "bomb.json.gz", bomb)
    assert len(lines) == 1 and "max_gzip_ratio" in unreadable(lines[0])
    assert seconds < 30


def test_cli_giant_string_and_line(tmp_path: Path) -> None:
    string = b'[{"s": "' + b"a" * (17 * MIB) + b'"}, ' + AFTER + b"]"
    lines, seconds = verify_capped(tmp_path, "string.json", string)
    assert len(lines) == 2 and "max_string_bytes" in unreadable(lines[0])
    assert seconds < 30
    line = b'{"s": "' + b"x" * (40 * MIB) + b'"}\n' + AFTER + b"\n"
    lines, seconds = verify_capped(tmp_path, "line.jsonl", line)
    assert len(lines) == 2 and "max_record_bytes" in unreadable(lines[0])
    assert seconds < 30


def test_cli_redos_pattern(tmp_path: Path) -> None:
    records = [redos_record({"a" * 29 + "!": 1}), redos_record({"x": "a" * 5000 + "!"})]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    lines, seconds = verify_capped(tmp_path, "redos.jsonl", data)
    assert [f["code"] for r in lines for f in r["findings"]] == [
        "call.unknown_param",
        "call.format_violation",
    ]
    assert seconds < 30
