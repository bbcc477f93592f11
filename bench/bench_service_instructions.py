"""The service's cost per ``POST /v1/verify``, in CPU instructions, against an older commit.

Why instructions: wrk's requests/s on these shared two-core machines move by more than
the few per cent a change is allowed to cost (issue 15: "within 5 % of today's"), and
run to run the ranking of two builds can flip. ``valgrind --tool=callgrind`` counts the
instructions the server executes, the same count for the same work whatever else the
machine is doing.

How: the commit ``BENCH_REF`` (required; e.g. the one before a change) is checked out
into a temporary git worktree; each build serves under callgrind (``toolproof serve
--workers 1``, job workers off so that nothing runs by the clock) while this process
sends it the same small verify request as ``bench_service`` over 50 keep-alive
connections, first ``WARM`` requests and then ``WARM + BENCH_REQUESTS`` in a second
server: the difference of the two totals, divided by ``BENCH_REQUESTS``, is the cost of
one request without start-up. Both builds run on this checkout's virtualenv.
Kernel time (system calls) is not counted; ``bench_service`` measures wall time.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench._net import free_port, wait_up
from bench.bench_service import BODY, ROOT

WARM = 100
CONNECTIONS = 50


async def _post(url: str, key: str, n: int) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    left = n
    limits = httpx.Limits(max_connections=CONNECTIONS)
    async with httpx.AsyncClient(timeout=None, limits=limits) as client:

        async def one_connection() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                r = await client.post(url, content=BODY, headers=headers)
                assert r.status_code == 200, r.text

        await asyncio.gather(*(one_connection() for _ in range(CONNECTIONS)))


def instructions(tree: Path, requests: int, tmp: Path) -> int:
    """Instructions a server of ``tree`` executes from start to stop, ``requests`` served."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=tmp))
    env = {**os.environ, "TOOLPROOF_HOME": str(home), "TOOLPROOF_LOG_LEVEL": "warning",
           "TOOLPROOF_JOB_WORKERS": "0", "PYTHONPATH": str(tree)}  # fmt: skip
    env.pop("TOOLPROOF_DATABASE_URL", None)
    key = subprocess.run(
        [sys.executable, "-m", "toolproof", "keys", "create", "--tenant", "bench"],
        env=env, cwd=tree, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    port, out = free_port(), home / "callgrind.out"
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
         "-m", "toolproof", "serve", "--workers", "1", "--port", str(port)],
        env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz", server, timeout=600)
        asyncio.run(_post(f"http://127.0.0.1:{port}/v1/verify", key, requests))
    finally:
        server.send_signal(2)  # SIGINT: uvicorn stops cleanly and callgrind writes its file
        server.wait(300)
    total = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
    assert total is not None, f"no summary in {out}"
    return int(total.group(1))


def per_request(tree: Path, requests: int, tmp: Path) -> float:
    return (instructions(tree, WARM + requests, tmp) - instructions(tree, WARM, tmp)) / requests


def main() -> None:
    ref = os.environ.get("BENCH_REF")
    if not ref:
        print("set BENCH_REF=<commit> to compare this checkout with it; nothing measured")
        return
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install -y valgrind); nothing measured")
        return
    requests = int(os.environ.get("BENCH_REQUESTS", "1000"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-instr-"))
    old = tmp / "ref"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(old), ref], cwd=ROOT,
                   check=True)  # fmt: skip
    try:
        base = per_request(old, requests, tmp)
        here = per_request(ROOT, requests, tmp)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'POST /v1/verify at ' + ref[:12] + ' (baseline)':44s} {base:>10,.0f} instr/request")
    print(f"{'POST /v1/verify in this checkout':44s} {here:>10,.0f} instr/request")
    print(f"  ratio this checkout / baseline: {here / base:.3f} ({requests} requests each)")


if __name__ == "__main__":
    main()
