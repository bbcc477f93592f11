"""HTTP service throughput: ``POST /v1/verify`` (one small sample, rules only) under wrk.

Figures from one run, on loopback, for 1 and for 2 server processes:
1. baseline: a trivial FastAPI endpoint that parses a small JSON body (pydantic model)
   and answers ``{"ok": true}``, on uvicorn with the options ``toolproof serve`` uses
   (httptools, uvloop when installed, no access log, no proxy headers, no server header);
2. ``toolproof serve``'s ``POST /v1/verify`` with one small OpenAI-format sample (one
   tool, one call, its tool answer), ``layers: ["rules"]``, authenticated, logs at
   warning (one JSON access line per request costs ~15 % more);
3. the same work in-process: ``Dataset.from_records`` → ``Pipeline.run`` → result dicts
   → ``orjson.dumps`` per request body, in a loop (requests/s of one core).
wrk: 2 threads, 50 connections, ``BENCH_SERVICE_SECONDS`` (default 10) per target after
a 2 s warm-up; wrk runs on the same two cores, as a client in production would not.
Targets: verify ≥ 0.6 times the trivial endpoint of the same run (issue 16), ≥ 5,000
requests/s with p99 < 20 ms (issue 8); ratios to 1 and to 3 printed.
The load average is printed before and after: other work on the machine skews it all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson
from fastapi import FastAPI
from pydantic import BaseModel

from bench._net import free_port, wait_up
from bench._proc import cpu_seconds

SAMPLE = {
    "messages": [
        {"role": "user", "content": "What is the weather in Oslo?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"temp_c": 3}'},
        {"role": "assistant", "content": "It is 3 degrees in Oslo."},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather in a city",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string", "description": "the city's name"}},
                    "required": ["city"],
                },
            },
        }
    ],
}
BODY = orjson.dumps({"samples": [SAMPLE], "format": "auto", "layers": ["rules"]})
TRIVIAL_BODY = b'{"name": "toolproof", "count": 3, "tags": ["a", "b"]}'
ROOT = Path(__file__).resolve().parent.parent
#: ``POST /v1/verify`` must answer at least this share of the trivial endpoint's rate.
MIN_RATIO = 0.6
LUA = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
"""


class Item(BaseModel):
    name: str
    count: int
    tags: list[str]


async def echo(item: Item) -> dict[str, bool]:
    return {"ok": bool(item.name)}


def trivial_app() -> FastAPI:
    """The baseline: FastAPI parsing a small JSON body into a model, nothing else."""
    app = FastAPI()
    app.post("/echo")(echo)
    return app


def wrk(url: str, body: bytes, seconds: int, key: str | None, tmp: Path,
        server: int) -> dict[str, float]:  # fmt: skip
    """wrk's figures, and the CPU the ``server`` process tree spent per request (which
    other work on the machine distorts less than the rate)."""
    script = tmp / "post.lua"
    auth = f'wrk.headers["Authorization"] = "Bearer {key}"' if key else ""
    script.write_text(LUA.format(body=json.dumps(body.decode()), auth=auth))
    args = ["wrk", "-t2", "-c50", "--latency", "-s", str(script), url]
    subprocess.run([*args[:3], "-d2s", *args[3:]], capture_output=True, check=True)  # warm-up
    cpu = cpu_seconds(server)
    out = subprocess.run(
        [*args[:3], f"-d{seconds}s", *args[3:]], capture_output=True, text=True, check=True
    ).stdout
    cpu = cpu_seconds(server) - cpu
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    figures = {"rps": rps, "cpu_us": cpu / max(requests, 1) * 1e6}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        if m:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            figures[f"p{pct}_ms"] = float(m.group(1)) * scale
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def in_process(seconds: float) -> float:
    from verifier import Dataset, Pipeline, result_dict

    n, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        body = orjson.loads(BODY)
        pipeline = Pipeline(("rules",))
        data = Dataset.from_records(body["samples"], body["format"])
        orjson.dumps({"results": [result_dict(r) for _, r in pipeline.run(data)]})
        n += 1
    return n / (time.perf_counter() - started)


def serve(proc_args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        proc_args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def trivial_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = ["--port", str(port), "--workers", str(workers), "--http", "httptools"]
    # the options toolproof serve sets too (_cli/serve.py), so that only the app differs
    quiet = ["--log-level", "warning", "--no-access-log", "--no-proxy-headers",
             "--no-server-header", "--timeout-keep-alive", "30"]  # fmt: skip
    app = "bench.bench_service:trivial_app"
    return serve([sys.executable, "-m", "uvicorn", "--factory", *args, *quiet, app], env)


def measure(workers: int, seconds: int, tmp: Path) -> dict[str, dict[str, float]]:
    """wrk against the trivial endpoint and against /v1/verify, ``workers`` processes
    each."""
    env = {
        **os.environ,
        "TOOLPROOF_HOME": str(tmp / "home"),
        "TOOLPROOF_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TOOLPROOF_DATABASE_URL", None)
    key = subprocess.run(
        [sys.executable, "-m", "toolproof", "keys", "create", "--tenant", "bench"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ports = {name: free_port() for name in ("trivial", "verify")}
    service = [sys.executable, "-m", "toolproof", "serve", "--workers", str(workers)]
    procs = {
        "trivial": trivial_server(ports["trivial"], workers, env),
        "verify": serve([*service, "--port", str(ports["verify"])], env),
    }
    try:
        for name, proc in procs.items():
            probe = "/healthz" if name == "verify" else "/docs"
            wait_up(f"http://127.0.0.1:{ports[name]}{probe}", proc)
        url = f"http://127.0.0.1:{ports['verify']}/v1/verify"
        check = httpx.post(
            url,
            content=BODY,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        verdict = check.json()["results"][0]
        assert verdict["verdict"] == "pass", verdict
        return {
            "trivial": wrk(f"http://127.0.0.1:{ports['trivial']}/echo", TRIVIAL_BODY, seconds,
                           None, tmp, procs["trivial"].pid),
            "verify": wrk(url, BODY, seconds, key, tmp, procs["verify"].pid),
        }  # fmt: skip
    finally:
        for p in procs.values():
            p.terminate()
            p.wait(15)


def line(name: str, f: dict[str, float]) -> str:
    return (
        f"{name:36s} {f['rps']:>8,.0f} req/s  p50 {f.get('p50_ms', 0):6.2f} ms  "
        f"p99 {f.get('p99_ms', 0):6.2f} ms  non-2xx {f['non_2xx']:.0f}  "
        f"server CPU {f['cpu_us']:5.0f} µs/request"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk); nothing measured")
        return
    seconds = int(os.environ.get("BENCH_SERVICE_SECONDS", "10"))
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: others' work skews this)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    try:
        lib = in_process(min(seconds, 5))
        print(f"{'in-process library (one core)':40s} {lib:>8,.0f} req/s")
        for workers in (1, 2):
            figures = measure(workers, seconds, tmp)
            base, svc = figures["trivial"], figures["verify"]
            print(line(f"trivial FastAPI endpoint, {workers} worker(s)", base))
            print(line(f"POST /v1/verify, {workers} worker(s)", svc))
            ratio = svc["rps"] / base["rps"]
            print(
                f"  ratio verify / trivial: {ratio:.2f} (bound ≥ {MIN_RATIO}: "
                f"{'met' if ratio >= MIN_RATIO else 'NOT met'}); "
                f"verify / in-process library: {svc['rps'] / lib:.2f}"
            )
            print(f"  ratio of server CPU per request, trivial / verify: "
                  f"{base['cpu_us'] / svc['cpu_us']:.2f}")  # fmt: skip
            met = svc["rps"] >= 5000 and svc.get("p99_ms", 1e9) < 20
            print(f"  target ≥ 5,000 req/s with p99 < 20 ms: {'met' if met else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
