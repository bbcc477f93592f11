"""Mock calls through the server (process sandbox) on loopback, against in-process calls.

Workload: the bundled ToolACE/Glaive/BFCL tool lists' first toolsets compiled together
into one bundle (``tests/data/mock/real_toolsets.json``), each tool called with valid
arguments that vary per call (``example_arguments`` with a call-specific seed), so no two
calls in a row are the same.

Figures (calls/s):
- baseline ``in-process``: ``MockSession.call`` on the ``inprocess`` backend (no isolation,
  no HTTP): the cost of the mock itself;
- ``process sandbox, direct``: ``call`` one at a time and ``call_many`` batches through a
  restricted process-sandbox session, no HTTP;
- ``server``: ``toolproof mock serve`` (process sandbox) in its own process, driven by
  keep-alive HTTP/1.1 connections from this one (``CONNECTIONS`` in flight over
  ``SESSIONS`` mock sessions) for ``SECONDS``; target ≥ 2,000 calls/s.
Ratios are printed against the in-process baseline.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench._net import free_port, wait_up
from mock_apis import MockRunner, compile, example_arguments
from toolspec import ToolSpec, import_tool

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mock" / "real_toolsets.json"
CONNECTIONS = 64
SESSIONS = 4
SECONDS = 8.0
N_DIRECT = 2_000


def toolset() -> tuple[list[dict[str, Any]], list[ToolSpec]]:
    raw: dict[str, Any] = {}
    for record in json.loads(DATA.read_text("utf-8"))[:20]:
        for tool in record["tools"]:
            spec = import_tool(tool)
            raw.setdefault(spec.name, tool)
    return list(raw.values()), [import_tool(t) for t in raw.values()]


def calls(specs: list[ToolSpec], n: int) -> list[tuple[str, dict[str, Any]]]:
    bundle = compile(specs)
    tools = [t for t in bundle.manifest.tools if example_arguments(t) is not None]
    out = []
    for i in range(n):
        tool = tools[i % len(tools)]
        args = example_arguments(tool, seed=i)
        assert args is not None
        out.append((tool.name, args))
    return out


def direct(specs: list[ToolSpec], work: list[tuple[str, dict[str, Any]]]) -> dict[str, float]:
    bundle = compile(specs)
    rates: dict[str, float] = {}
    with MockRunner("inprocess") as runner, runner.session(bundle) as s:
        start = time.perf_counter()
        for tool, args in work:
            assert s.call(tool, args).ok
        rates["in-process"] = len(work) / (time.perf_counter() - start)
    with MockRunner("process") as runner, runner.session(bundle) as s:
        s.call_many(work[:50])
        start = time.perf_counter()
        for tool, args in work[: len(work) // 4]:
            assert s.call(tool, args).ok
        rates["process sandbox, one call per round trip"] = (len(work) // 4) / (
            time.perf_counter() - start
        )
        start = time.perf_counter()
        for i in range(0, len(work), 100):
            assert all(o.ok for o in s.call_many(work[i : i + 100]))
        rates["process sandbox, call_many of 100"] = len(work) / (time.perf_counter() - start)
    return rates


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def client(port: int, work: list[bytes], stop: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < stop:
        writer.write(work[i % len(work)])
        i += 1
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))  # fmt: skip
        await reader.readexactly(length)
        counts[0 if status == 200 else 1] += 1
    writer.close()


def requests(work: list[tuple[str, dict[str, Any]]], session: str) -> list[bytes]:
    out = []
    for tool, args in work:
        body = json.dumps(args).encode()
        path = "/tools/" + httpx.URL("http://x/" + tool).raw_path.decode().lstrip("/")
        out.append(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Toolproof-Session: {session}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
    return out


def server_rate(tools: list[dict[str, Any]], work: list[tuple[str, dict[str, Any]]]) -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "TOOLS.json"
        path.write_text(json.dumps(tools), encoding="utf-8")
        env = {**os.environ, "TOOLPROOF_HOME": tmp}
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolproof", "mock", "serve", str(path), "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(f"http://127.0.0.1:{port}/healthz", proc)
            per_session = [requests(work, f"bench-{s}") for s in range(SESSIONS)]

            async def drive(seconds: float) -> list[int]:
                counts = [0, 0]
                stop = time.perf_counter() + seconds
                await asyncio.gather(*(client(port, per_session[c % SESSIONS], stop, counts)
                                       for c in range(CONNECTIONS)))  # fmt: skip
                return counts

            asyncio.run(drive(1.0))  # warm-up: sessions open, workers load the bundle
            cpu = cpu_seconds(proc.pid)
            start = time.perf_counter()
            ok, failed = asyncio.run(drive(SECONDS))
            rate = ok / (time.perf_counter() - start)
            server_cpu = cpu_seconds(proc.pid) - cpu
            per_call = server_cpu / max(ok, 1) * 1e6
            print(f"  server process: {per_call:.0f} µs CPU per call (HTTP, sessions, sandbox "
                  "client; the workers are separate processes)")  # fmt: skip
            if failed:
                print(f"  ({failed} calls failed)")
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return rate


def main() -> None:
    tools, specs = toolset()
    work = calls(specs, N_DIRECT)
    print(f"workload: {len(specs)} tools in one bundle, {len(work)} distinct valid calls; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    rates = direct(specs, work)
    baseline = rates["in-process"]
    rates["server (process sandbox, HTTP)"] = server_rate(tools, work)
    for name, rate in rates.items():
        print(f"{name:45s} {rate:9,.0f} calls/s  {rate / baseline:5.2f}x in-process")
    print(f"target: server ≥ 2,000 calls/s; reached {rates['server (process sandbox, HTTP)']:,.0f}")


if __name__ == "__main__":
    main()
