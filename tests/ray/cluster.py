"""A Ray cluster on this machine for the tests and ``bench_ray``: a head and worker nodes,
each its own ``ray start --block`` process group, on the loopback address 127.0.0.2.

Ray replaces 127.0.0.1 by the machine's outward address (it assumes other machines will
join); any other 127.x.y.z address it keeps, so every node, and the traffic between
them, stays on the loopback interface. Each node is started alone and waited for (two
raylets starting at once can draw the same free port). A node is stopped by killing its
process group, which holds every process Ray started for it; nothing else is touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RAY = str(Path(sys.executable).with_name("ray"))
IP = "127.0.0.2"
OBJECT_STORE_BYTES = 100 * 1024 * 1024
#: The head finds a dead node in ~3 s, not Ray's default 15 s (period times threshold);
#: three checks of 2 s must fail, so that a node slowed by a busy machine is not taken
#: for dead (one check of 1 s failing twice did that on a node pinned to a loaded core).
HEALTH_CHECKS = {
    "RAY_health_check_initial_delay_ms": "1000",
    "RAY_health_check_period_ms": "1000",
    "RAY_health_check_timeout_ms": "2000",
    "RAY_health_check_failure_threshold": "3",
}
START_TIMEOUT_S = 90.0


def free_port(host: str = IP) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _parents() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group) of every process now."""
    found: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rpartition(")")[2].split()
            found[int(stat.parent.name)] = (int(fields[1]), int(fields[2]))
    return found


def node_processes(group: int) -> list[int]:
    """The processes of the node whose ``ray start`` leads process group ``group``, and
    all their descendants."""
    table = _parents()
    mine = {pid for pid, (_, pgid) in table.items() if pgid == group}
    grew = True
    while grew:
        more = {pid for pid, (ppid, _) in table.items() if ppid in mine} - mine
        mine |= more
        grew = bool(more)
    return sorted(mine)


class LocalCluster:
    """``start()`` the head (no CPU: tasks run on the workers only), ``add_node()``
    workers, ``kill(node)`` one mid-job, ``stop()`` all of them."""

    def __init__(self, *, quick_death: bool = True) -> None:
        # short: Ray's Unix sockets live below it (a socket path has 107 bytes at most)
        self.root = Path(tempfile.mkdtemp(prefix="tpray"))
        self.address = f"{IP}:{free_port()}"
        #: The head's Ray Client server: a driver that is no node of the cluster joins here.
        self.client_address = f"ray://{IP}:{free_port()}"
        self.nodes: list[subprocess.Popen[bytes]] = []
        checks = HEALTH_CHECKS if quick_death else {}
        self.env = {**os.environ, **checks, "RAY_USAGE_STATS_ENABLED": "0"}
        self._sigterm: Any = None

    def start(self) -> LocalCluster:
        # a run stopped by SIGTERM (a timeout) stops its cluster too, as an exit would
        self._sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        port = self.address.rpartition(":")[2]
        self._start(
            "head",
            ["--head", "--port", port, "--num-cpus", "0", "--include-dashboard=false",
             "--ray-client-server-port", self.client_address.rpartition(":")[2],
             "--temp-dir", str(self.root / "ray")],
        )  # fmt: skip
        return self

    def add_node(self, cpus: int = 1, pin: set[int] | None = None) -> subprocess.Popen[bytes]:
        """A worker node of ``cpus`` CPUs for Ray's scheduler; ``pin`` also keeps its
        processes (its raylet, its workers, their sandboxes) on those cores of this
        machine, as a machine of that many CPUs would (the benchmark's nodes)."""
        args = ["--address", self.address, "--num-cpus", str(cpus)]
        return self._start(f"node{len(self.nodes)}", args, pin)

    def _start(
        self, name: str, args: list[str], pin: set[int] | None = None
    ) -> subprocess.Popen[bytes]:
        for attempt in range(2):  # a busy machine may miss Ray's own start-up deadline
            log = self.root / f"{name}.{attempt}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [RAY, "start", *args, "--node-ip-address", IP, "--object-store-memory",
                     str(OBJECT_STORE_BYTES), "--disable-usage-stats", "--block"],
                    stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True,
                    preexec_fn=None if pin is None else lambda: os.sched_setaffinity(0, pin),
                )  # fmt: skip
            if self._started(proc, log):
                self.nodes.append(proc)
                return proc
            self.kill(proc)
        raise RuntimeError(f"ray node {name} did not start: {log.read_text()[-2000:]}")

    @staticmethod
    def _started(proc: subprocess.Popen[bytes], log: Path) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if b"Ray runtime started" in log.read_bytes():
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def kill(self, node: subprocess.Popen[bytes]) -> None:
        """SIGKILL every process of the node: its group (``ray start``, the raylet, the
        agents) and the raylet's worker processes, which Ray puts in groups of their own."""
        for pid in node_processes(node.pid):
            with contextlib.suppress(ProcessLookupError):  # gone already
                os.kill(pid, signal.SIGKILL)
        node.wait(timeout=30)
        if node in self.nodes:
            self.nodes.remove(node)

    def stop(self) -> None:
        for node in reversed(list(self.nodes)):
            self.kill(node)
        shutil.rmtree(self.root, ignore_errors=True)
        if self._sigterm is not None:
            signal.signal(signal.SIGTERM, self._sigterm)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
