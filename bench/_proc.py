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
