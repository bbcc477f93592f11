"""Resource limits of a sandbox session, as named constants with a human string beside them.

The container-level limits (memory, pids, cpus) are fixed when a worker starts, so a pool
keeps workers per distinct :attr:`Limits.worker_key`; the per-call ones (wall time, CPU
time, output size) travel with each request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MiB = 1024 * 1024

DEFAULT_WALL_S = 5.0
"""Wall-clock time of one call: 5 s (the host kills and replaces the worker after it)."""
DEFAULT_CPU_S = 5
"""CPU time of one call: 5 s (RLIMIT_CPU, a backstop for the wall-clock deadline)."""
DEFAULT_MEMORY_BYTES = 256 * MiB
"""Memory of one worker: 256 MiB (container memory limit; RLIMIT_AS for processes)."""
DEFAULT_PIDS = 16
"""Processes and threads in one container: 16 (the process backend allows no children)."""
DEFAULT_CPUS = 1.0
"""CPU share of one container: 1 CPU."""
DEFAULT_OUTPUT_BYTES = 1 * MiB
"""Size of one call's JSON result: 1 MiB; larger results become an ``output`` error."""
DEFAULT_STDOUT_TAIL = 4096
"""Characters of printed output kept per call (the tail): 4 KiB."""

HUMAN = {
    "wall_s": "5 s",
    "cpu_s": "5 s",
    "memory_bytes": "256 MiB",
    "pids": "16",
    "cpus": "1 CPU",
    "output_bytes": "1 MiB",
    "stdout_tail": "4 KiB",
}


@dataclass(frozen=True)
class Limits:
    """What one session may use. Every field must be positive."""

    wall_s: float = DEFAULT_WALL_S
    cpu_s: int = DEFAULT_CPU_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    pids: int = DEFAULT_PIDS
    cpus: float = DEFAULT_CPUS
    output_bytes: int = DEFAULT_OUTPUT_BYTES
    stdout_tail: int = DEFAULT_STDOUT_TAIL

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value > 0:
                raise ValueError(f"Limits.{name} must be positive, got {value!r}")

    @property
    def worker_key(self) -> tuple[int, int, float]:
        """The limits fixed when a worker starts; workers are shared only among equal keys."""
        return (self.memory_bytes, self.pids, self.cpus)

    def runner_json(self) -> dict[str, Any]:
        """The limits the runner itself enforces."""
        return {
            "memory_bytes": self.memory_bytes,
            "cpu_s": self.cpu_s,
            "output_bytes": self.output_bytes,
            "stdout_tail": self.stdout_tail,
        }
