"""Hostile inputs (issue 15) against a live ``toolproof serve`` and the CLI, memory-capped.

Each probe is small to send and was fatal or minutes-long before: an array nested 100,000
deep, a 1 MB gzip inflating to 1 GiB, a string and a JSONL line past their limits, and a
catastrophic ``patternProperties`` regex; then a tenant churning sessions to evict
another's, a tenant flooding the job queue, a body that never ends, a request line the
parser refuses (uvicorn's own 400, at once), two keys in one request and a job id with a
suffix. The server runs as a child process under ``prlimit --as`` (address space), with
tighter limits set through ``TOOLPROOF_*`` so that the probes stay small; a thread polls
``/healthz`` throughout and every probe asserts its time, its status, its findings, and
that the server kept answering. The CLI probes run ``toolproof verify`` under the same
cap with the default limits.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
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

from tests.toolproof.live import ROOT, ServerProcess, cli_key

pytestmark = pytest.mark.timeout(180)

MIB = 1024 * 1024
#: Address-space cap of the server and of each CLI run. An idle server maps ~350 MB.
CAP_AS = 2048 * MIB
#: Peak resident memory the server may reach over every probe.
MAX_RSS_MB = 600
SERVER_LIMITS = {
    "TOOLPROOF_MAX_STRING_BYTES": str(1 * MIB),
    "TOOLPROOF_MAX_RECORD_BYTES": str(4 * MIB),
    "TOOLPROOF_BODY_IDLE_TIMEOUT_S": "1",
    "TOOLPROOF_TENANT_MAX_SESSIONS": "4",
    "TOOLPROOF_TENANT_MAX_QUEUED": "3",
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

    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__(env, log, prefix=("prlimit", f"--as={CAP_AS}"))

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
    key = cli_key(env, "attacker")
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
    wait_uploads_gone(server)
    return lines, time.perf_counter() - started


def wait_uploads_gone(server: CappedServer) -> None:
    """An ended job's upload is deleted (item 5): the disk does not fill with them."""
    uploads = Path(server.env["TOOLPROOF_HOME"]) / "uploads"
    deadline = time.monotonic() + 5
    while list(uploads.glob("*.data")):
        assert time.monotonic() < deadline, list(uploads.iterdir())
        time.sleep(0.05)


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


# --- tenants, disk and the HTTP edge (items 4 to 6) ----------------------------------------

ORDERS = [
    {"name": "create_order", "description": "Place an order for an item.", "parameters": {
        "type": "object", "required": ["item"],
        "properties": {"item": {"type": "string", "description": "What to order."}}}},
    {"name": "get_order", "description": "Look up an order by its id.", "parameters": {
        "type": "object", "required": ["order_id"],
        "properties": {"order_id": {"type": "string", "description": "The order's id."}}}},
]  # fmt: skip


def new_key(server: CappedServer, tenant: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cli_key(server.env, tenant)}"}


def test_tenants_cannot_evict_each_others_sessions(
    live: tuple[CappedServer, dict[str, str]],
) -> None:
    server, auth = live
    other = new_key(server, "bystander")
    with Health(server.url), httpx.Client(base_url=server.url, timeout=30) as client:
        ids = [client.post("/v1/toolsets", json={"tools": ORDERS}, headers=h).json()["id"]
               for h in (other, auth)]  # fmt: skip
        assert ids[0] == ids[1]  # same specs, same content-addressed toolset
        calls = f"/v1/toolsets/{ids[0]}/calls"
        made = client.post(calls, headers=other, json={"tool": "create_order", "session": "s",
                                                       "arguments": {"item": "tea"}})  # fmt: skip
        order = made.json()["result"]
        for n in range(20):  # the attacker churns through far more sessions than it may keep
            churn = {"tool": "create_order", "session": f"s{n}", "arguments": {"item": "x"}}
            assert client.post(calls, headers=auth, json=churn).status_code == 200
        again = client.post(calls, headers=other, json={"tool": "get_order", "session": "s",
                            "arguments": {"order_id": order["order_id"]}})  # fmt: skip
        assert again.status_code == 200 and again.json()["result"] == order


def test_queued_jobs_are_capped(live: tuple[CappedServer, dict[str, str]]) -> None:
    server, _ = live
    flood = new_key(server, "flooder")
    big = AFTER + b"\n"
    with Health(server.url):
        answers = [httpx.post(f"{server.url}/v1/jobs", content=big * 20000, timeout=60,
                              headers={**flood, "Content-Type": "application/x-ndjson"})
                   for _ in range(8)]  # fmt: skip
    codes = [a.status_code for a in answers]
    assert 429 in codes and codes.count(202) <= 3 + 1, codes  # one may end meanwhile
    assert all(a.json()["code"] == "tenant.too_many_jobs" for a in answers if a.status_code == 429)
    for a in answers:
        if a.status_code == 202:
            httpx.delete(f"{server.url}/v1/jobs/{a.json()['id']}", headers=flood, timeout=10)


def test_the_http_edge(live: tuple[CappedServer, dict[str, str]]) -> None:
    server, auth = live
    host, port = "127.0.0.1", server.port
    with Health(server.url):
        started = time.perf_counter()  # a body that stops arriving: 408 after the idle limit
        with socket.create_connection((host, port), timeout=10) as s:
            head = f"POST /v1/verify HTTP/1.1\r\nHost: x\r\nAuthorization: {auth['Authorization']}"
            s.sendall(head.encode() + b"\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 100\r\n\r\n{")  # fmt: skip
            reply = s.recv(65536)
        assert reply.startswith(b"HTTP/1.1 408") and time.perf_counter() - started < 5
        started = time.perf_counter()  # the parser's own 400 (uvicorn's, text/plain), closed
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(b"\x00\x01 nonsense\r\n\r\n")
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 400") and b"connection: close" in reply.lower()
        assert time.perf_counter() - started < 5
        two = [("Authorization", auth["Authorization"]), ("Authorization", "Bearer x")]
        assert httpx.get(f"{server.url}/v1/jobs", headers=two).status_code == 401
        job_id = httpx.post(f"{server.url}/v1/jobs", content=AFTER, headers={
            **auth, "Content-Type": "application/json"}).json()["id"]  # fmt: skip
        assert httpx.get(f"{server.url}/v1/jobs/{job_id}junk", headers=auth).status_code == 404


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
