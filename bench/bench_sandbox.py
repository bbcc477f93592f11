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
The machine's load average is printed first: on a shared machine it moves every figure.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time

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
    """Seconds per ``Session.call``, after a warm-up."""
    with sandbox.session(BUNDLE) as session:
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


def throughput(sandbox: Sandbox, sessions: int = 2) -> float:
    """Calls/s of ``sessions`` sessions, each pipelining batches from its own thread."""
    counts = [0] * sessions
    stop = time.perf_counter() + THROUGHPUT_S
    opened = [sandbox.session(BUNDLE) for _ in range(sessions)]
    calls = [("add", {"a": i, "b": 1}) for i in range(BATCH)]

    def drive(k: int) -> None:
        while time.perf_counter() < stop:
            outcomes = opened[k].call_many(calls)
            assert outcomes[-1].ok
            counts[k] += len(outcomes)

    start = time.perf_counter()
    threads = [threading.Thread(target=drive, args=(k,)) for k in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    for session in opened:
        session.close()
    return sum(counts) / elapsed


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    limits = Limits(wall_s=5)
    with create_sandbox("process", pool_size=2, limits=limits, warm=True) as proc:
        p_rt = round_trips(proc)
        p_tp = throughput(proc)
    print(
        f"process round trip: p50 {us(statistics.median(p_rt))}, p99 {us(percentile(p_rt, 0.99))}"
    )
    print(f"process throughput: {p_tp:,.0f} calls/s (2 sessions, batches of {BATCH})")
    try:
        docker = create_sandbox("docker", pool_size=2, limits=limits, warm=True)
    except Exception as exc:  # no engine or no image: say so, keep the process figures
        print(f"docker: not measured ({exc})")
        return
    with docker:
        d_rt = round_trips(docker)
        d_tp = throughput(docker)
    baseline = docker_run_per_call()
    p50, base = statistics.median(d_rt), statistics.median(baseline)
    print(f"docker warm-pool round trip: p50 {us(p50)}, p99 {us(percentile(d_rt, 0.99))}")
    print(
        f"docker run --rm per call (baseline): p50 {base * 1000:,.0f} ms, "
        f"p99 {percentile(baseline, 0.99) * 1000:,.0f} ms"
    )
    print(f"ratio: warm pool is {base / p50:,.0f}x faster than docker run --rm per call")
    print(f"docker throughput: {d_tp:,.0f} calls/s (2 sessions, batches of {BATCH})")
    start = time.perf_counter()
    with create_sandbox("docker", pool_size=8, limits=limits, warm=True):
        ready = time.perf_counter() - start
    print(f"docker pool of 8 ready in {ready:.2f} s")


if __name__ == "__main__":
    main()
