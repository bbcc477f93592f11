"""Process CPU time the benchmarks share (from /proc, so other work on the machine
does not count)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and every process below it, from /proc."""
    total, pids = 0.0, [pid]
    while pids:
        pid = pids.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
    return total


def machine_busy_seconds() -> float:
    """CPU time every core of the machine has spent busy so far (/proc/stat): the work of
    processes a tree cannot follow (Ray's workers, whose CPU no parent collects), and of
    anything else running, so read it on a quiet machine."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(ticks[:3]) + sum(ticks[5:8])  # user nice system, irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")
