"""Sandbox round trip, throughput and pool start-up, against ``docker run --rm`` per call.

Figures, all in one run:
- docker warm-pool call round trip through the ``sandbox`` API (``Session.call`` of a small
  call, one at a time), p50 and p99, against ``docker run --rm`` of the same image running
  a Python one-liner per call (the baseline); the ratio of the p50s (target ≥ 1,000 times,
  round trip ≤ 100 µs);
- the same round trip on the process backend;
- throughput of small calls for each backend: two sessions in two threads, each sending
  pipelined batches (``Session.call_many``), calls/s over a few seconds (target ≥ 10,000/s
  on 2 cores);
- time until a docker pool of 8 warm containers is ready (target < 3 s).
The machine's load average is printed first: on a shared machine it moves every wall-clock
figure. So each throughput run also reports its CPU cost per call (host process + worker,
from /proc and the container's cpuacct cgroup) and the capacity that cost allows on 2
cores, which other work on the machine does not distort.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from bench._proc import cpu_seconds
from sandbox import Bundle, Limits, Sandbox, create_sandbox
from sandbox.docker.config import DEFAULT_IMAGE

BUNDLE = Bundle.from_source("def add(a, b):\n    return {'sum': a + b}\n", name="bench")
N_ROUND_TRIPS = 3000
N_DOCKER_RUN = 5
THROUGHPUT_S = 3.0
BATCH = 500


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def round_trips(sandbox: Sandbox) -> list[float]:
    """Seconds per ``Session.call``, after a warm-up, with the pool at rest: opening the
    session makes the pool start a replacement worker in the background, and a container
    starting on the same 2 cores would be measured too."""
    with sandbox.session(BUNDLE) as session:
        session.pool.warm()  # type: ignore[attr-defined]
        for i in range(200):
            session.call("add", {"a": i, "b": 1})
        times = []
        for i in range(N_ROUND_TRIPS):
            start = time.perf_counter()
            outcome = session.call("add", {"a": i, "b": 1})
            times.append(time.perf_counter() - start)
            assert outcome.ok
    return times


def docker_run_per_call() -> list[float]:
    """The baseline: a fresh hardened container per call (``docker run --rm``)."""
    cmd = [
        "docker",
        "run",
        "--rm",
        "--network",
        "none",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        "65534:65534",
        DEFAULT_IMAGE,
        "python3",
        "-c",
        "print({'sum': 1 + 1})",
    ]
    times = []
    for _ in range(N_DOCKER_RUN):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def _cpu_seconds(worker: object) -> float:
    """CPU time a worker used: its container's cgroup, or its runner process and parents."""
    container = getattr(worker, "container", None)
    if container is not None:
        usage = Path(f"/sys/fs/cgroup/cpuacct/docker/{container.id}/cpuacct.usage")
        if usage.exists():
            return int(usage.read_text()) / 1e9
        stats = container.stats(stream=False)  # cgroup v2 layouts: ask the engine
        return int(stats["cpu_stats"]["cpu_usage"]["total_usage"]) / 1e9
    return cpu_seconds(worker.proc.pid)  # type: ignore[attr-defined]


def _sessions_cpu(sessions: list[Any]) -> float:
    return float(sum(_cpu_seconds(session.worker) for session in sessions))


def throughput(sandbox: Sandbox, sessions: int = 2) -> tuple[float, float]:
    """Calls/s of ``sessions`` sessions, each pipelining batches from its own thread, and
    the CPU seconds (host + workers) each call cost."""
    counts = [0] * sessions
    stop = time.perf_counter() + THROUGHPUT_S
    opened = [sandbox.session(BUNDLE) for _ in range(sessions)]
    opened[0].pool.warm()  # type: ignore[attr-defined]  # replacements start before the clock
    calls = [("add", {"a": i, "b": 1}) for i in range(BATCH)]

    def drive(k: int) -> None:
        while time.perf_counter() < stop:
            outcomes = opened[k].call_many(calls)
            assert outcomes[-1].ok
            counts[k] += len(outcomes)

    start, host0 = time.perf_counter(), time.process_time()
    workers0 = _sessions_cpu(opened)
    threads = [threading.Thread(target=drive, args=(k,)) for k in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, host = time.perf_counter() - start, time.process_time() - host0
    workers = _sessions_cpu(opened) - workers0
    for session in opened:
        session.close()
    return sum(counts) / elapsed, (host + workers) / sum(counts)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    limits = Limits(wall_s=5)
    with create_sandbox("process", pool_size=2, limits=limits, warm=True) as proc:
        p_rt = round_trips(proc)
        p_tp, p_cpu = throughput(proc)
    print(
        f"process round trip: p50 {us(statistics.median(p_rt))}, p99 {us(percentile(p_rt, 0.99))}"
    )
    print(
        f"process throughput: {p_tp:,.0f} calls/s (2 sessions, batches of {BATCH}); "
        f"{us(p_cpu)} CPU per call, capacity on 2 cores {2 / p_cpu:,.0f} calls/s"
    )
    try:
        docker = create_sandbox("docker", pool_size=2, limits=limits, warm=True)
    except Exception as exc:  # no engine or no image: say so, keep the process figures
        print(f"docker: not measured ({exc})")
        return
    with docker:
        d_rt = round_trips(docker)
        d_tp, d_cpu = throughput(docker)
    baseline = docker_run_per_call()
    p50, base = statistics.median(d_rt), statistics.median(baseline)
    print(f"docker warm-pool round trip: p50 {us(p50)}, p99 {us(percentile(d_rt, 0.99))}")
    print(
        f"docker run --rm per call (baseline): p50 {base * 1000:,.0f} ms, "
        f"p99 {percentile(baseline, 0.99) * 1000:,.0f} ms"
    )
    print(f"ratio: warm pool is {base / p50:,.0f}x faster than docker run --rm per call")
    print(
        f"docker throughput: {d_tp:,.0f} calls/s (2 sessions, batches of {BATCH}); "
        f"{us(d_cpu)} CPU per call, capacity on 2 cores {2 / d_cpu:,.0f} calls/s"
    )
    start = time.perf_counter()
    with create_sandbox("docker", pool_size=8, limits=limits, warm=True):
        ready = time.perf_counter() - start
    print(f"docker pool of 8 ready in {ready:.2f} s")


if __name__ == "__main__":
    main()
