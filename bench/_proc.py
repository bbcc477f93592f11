"""Process CPU time the benchmarks share (from /proc, so other work on the machine
does not count)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float | None:
    """CPU time (user + system) of one process so far; None when it is gone."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    return None


def tree(pid: int) -> list[int]:
    """A process and every live process below it."""
    found, todo = [], [pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and every process below it, from /proc."""
    return sum(cpu_of(p) or 0.0 for p in tree(pid))


class CpuWatch:
    """CPU spent by a changing set of processes since the watch began: ``look()`` often
    while they run, so that one that ends (a Ray worker, a sandbox: nobody collects their
    CPU time) counts up to its last reading."""

    def __init__(self, pids: Callable[[], Iterable[int]]) -> None:
        self._pids = pids
        self._base = {p: c for p in pids() if (c := cpu_of(p)) is not None}
        self._last: dict[int, float] = {}

    def look(self) -> None:
        for pid in self._pids():
            if (cpu := cpu_of(pid)) is not None:
                self._last[pid] = cpu

    @property
    def spent(self) -> float:
        return sum(cpu - self._base.get(pid, 0.0) for pid, cpu in self._last.items())
