"""``toolproof verify --layers rules,exec`` on Ray: one node, two nodes, and the local engine.

Workload: the OpenAI-format records of ``bench_memory`` (2-4 tools, one call each, every
record distinct) in a JSONL file, verified by the command a user runs, end to end
(start-up included), on a Ray cluster of this machine (``tests/ray/cluster.py``: a head
with no CPU and one-CPU worker nodes on 127.0.0.2). "One CPU" is what Ray schedules by
and, here, what the node gets: each node's processes (raylet, worker, the sandboxes its
exec layer starts) are pinned to one core of the machine. Figures, in one run:

- the local engine, the command and its sandboxes pinned to core 0 (the baseline);
- the ray engine on one node (core 0), the driver pinned to core 1: the overhead of
  shipping shards and results against the baseline (target: at most 15 %);
- the ray engine on two nodes (cores 0 and 1), the driver unpinned (on this 2-core
  machine it shares the cores with the nodes); the scaling from one node to two
  (target: at least 1.7x).

Each configuration also runs a one-record file: its time is the start-up (Python, Ray
joined, a worker process and its sandbox pool started), given apart from the throughput
after it. Every run's results file must be the baseline's, byte for byte.
Each full run is repeated (:data:`REPEAT`), local and one node taking turns, and the best
time counts. ``BENCH_RAY_N`` sets the number of samples (default 20,000).

Each run also gives the CPU its processes spent, read from /proc (other work on the
machine does not count): the command's, and the cluster's (raylets, Ray's workers, their
sandboxes). What a two-node run spends, divided by 1.7 times less than one node's time,
is how many cores the scaling target needs on this machine.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench._proc import CpuWatch, tree
from bench.bench_memory import write_jsonl

if TYPE_CHECKING:
    from tests.ray.cluster import LocalCluster

#: Runs of each configuration; the best counts (the machine is shared: load comes and goes).
REPEAT = 3


def verify(
    data: Path, out: Path, pin: set[int] | None, cluster: LocalCluster | None, *engine: str
) -> tuple[float, float, float]:
    """Wall seconds of one ``toolproof verify`` run (exit 0 or 1: the gate is not asked),
    the CPU seconds of the command and every process below it (its sandboxes on the local
    engine), and those of the cluster's processes (raylets, Ray's workers and their
    sandboxes; 0 without a cluster), read from /proc while the run goes on."""
    command = [sys.executable, "-m", "toolproof", "verify", str(data), "--layers", "rules,exec",
               "--out", str(out), "-q", *engine]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=None if pin is None else lambda: os.sched_setaffinity(0, pin),
    )
    mine = CpuWatch(lambda: tree(proc.pid))
    nodes = CpuWatch(lambda: [p for n in (cluster.nodes if cluster else []) for p in tree(n.pid)])
    while proc.poll() is None:
        mine.look()
        nodes.look()
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    nodes.look()
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"verify {' '.join(engine)} failed: {err[-2000:]}")
    return seconds, mine.spent, nodes.spent


class Run:
    """One configuration: the best of ``REPEAT`` runs of the full file end to end, and a
    one-record file for the start-up (Python, Ray joined, a worker process and its sandbox
    pool started), so that the throughput after start-up can be told apart."""

    def __init__(self, label: str, count: int, startup: float) -> None:
        self.label, self.count, self.startup = label, count, startup
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.cluster: list[float] = []  # the cluster's CPU seconds, each full run

    @property
    def full(self) -> float:
        return min(self.times)

    @property
    def steady(self) -> float:
        return (self.count - 1) / max(self.full - self.startup, 1e-9)

    def __str__(self) -> str:
        runs = ", ".join(f"{t:.1f}" for t in self.times)
        best = self.times.index(self.full)
        where = f", the cluster's {self.cluster[best]:.1f} s" if self.cluster[best] else ""
        return (f"{self.label}: best {self.full:.1f} s of {runs}; {self.count / self.full:,.0f} "
                f"samples/s end to end; start-up {self.startup:.1f} s, then "
                f"{self.steady:,.0f} samples/s; CPU: the command's {self.cpu[best]:.1f} s"
                f"{where}")  # fmt: skip


def start(
    label: str, root: Path, count: int, pin: set[int] | None, cluster: LocalCluster | None,
    *engine: str,
) -> Run:  # fmt: skip
    out = root / f"{label}.tiny.jsonl"
    return Run(label, count, verify(root / "one.jsonl", out, pin, cluster, *engine)[0])


def again(
    run: Run, root: Path, pin: set[int] | None, cluster: LocalCluster | None, *engine: str
) -> None:
    seconds, cpu, spent = verify(root / "data.jsonl", root / f"{run.label}.jsonl", pin, cluster,
                                 *engine)  # fmt: skip
    run.times.append(seconds)
    run.cpu.append(cpu)
    run.cluster.append(spent)


def main() -> None:
    if importlib.util.find_spec("ray") is None:
        print("ray: unavailable (pip install 'toolproof[ray]')")
        return
    from tests.ray.cluster import LocalCluster

    if len(os.sched_getaffinity(0)) < 2:
        print("ray: needs 2 cores to pin two nodes apart")
        return
    n = int(os.environ.get("BENCH_RAY_N", "20000"))
    print(f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        count = write_jsonl(root / "data.jsonl", n * 1.55 / 1024)  # records of ~1.55 KB
        with (root / "data.jsonl").open("rb") as data:
            (root / "one.jsonl").write_bytes(data.readline())
        print(f"{count:,} samples in {(root / 'data.jsonl').stat().st_size / 1e6:.1f} MB")
        cluster = LocalCluster(quick_death=False)
        try:
            cluster.start()
            cluster.add_node(pin={0})
            ray = ["--engine", "ray", "--address", cluster.address]  # shards of the default size
            # local and one node take turns on core 0, so that both see the same load
            local = start("local", root, count, {0}, None)
            one = start("one-node", root, count, {1}, cluster, *ray)
            for _ in range(REPEAT):
                again(local, root, {0}, None)
                again(one, root, {1}, cluster, *ray)
            print(f"local engine, core 0: {local}", flush=True)
            print(f"ray engine, 1 node on core 0, driver on core 1: {one}", flush=True)
            cluster.add_node(pin={1})
            two = start("two-nodes", root, count, None, cluster, *ray)
            for _ in range(REPEAT):
                again(two, root, None, cluster, *ray)
            print(f"ray engine, 2 nodes on cores 0 and 1, driver on either: {two}", flush=True)
        finally:
            cluster.stop()
        for run in (one, two):
            if not filecmp.cmp(root / "local.jsonl", root / f"{run.label}.jsonl", shallow=False):
                raise SystemExit(f"ray: {run.label} wrote other results than the local engine")
    print(f"overhead of the ray engine on 1 node against the local engine: "
          f"{one.full / local.full - 1:+.0%} end to end, {local.steady / one.steady - 1:+.0%} "
          "after start-up (target at most +15%)")  # fmt: skip
    print(f"scaling from 1 node to 2: {one.full / two.full:.2f}x end to end, "
          f"{two.steady / one.steady:.2f}x after start-up (target at least 1.7x)")  # fmt: skip
    # What 1.7x needs: a two-node run's processes (the command, Ray's own, the nodes'
    # workers and sandboxes) spend this much CPU; done 1.7 times faster than on one node,
    # they would keep this many cores busy. More than the machine has puts it out of reach.
    best = two.times.index(two.full)
    spent = two.cpu[best] + two.cluster[best]
    print(f"a two-node run's processes spent {spent:.1f} CPU s (the command {two.cpu[best]:.1f} "
          f"s); at 1.7x one node's time they would keep {spent / (one.full / 1.7):.1f} cores "
          f"busy (this machine: {os.cpu_count()}); the local engine spent "
          f"{local.cpu[local.times.index(local.full)]:.1f} s")  # fmt: skip
    print("the results of both ray runs are the local engine's, byte for byte")


if __name__ == "__main__":
    main()
