"""The ``process`` backend: the runner in local worker processes, no Docker needed.

Each worker is ``python -I -S sandbox/_runner.py`` started with an empty environment,
behind the strongest ``unshare`` prefix the machine allows (see ``isolation.probe``), talking
over a socketpair. The runner hides host paths, drops to uid 65534 when started as root,
and sets rlimits (address space, no child processes, file size, no core dumps); the host
kills it at the deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import RestrictedPython

from sandbox import _runner
from sandbox._channel import Channel
from sandbox._errors import BackendUnavailableError
from sandbox._limits import Limits
from sandbox._pool import WorkerStarter
from sandbox._pooled import PooledSandbox
from sandbox._protocol import Isolation
from sandbox._registry import sandbox_backend
from sandbox.process.isolation import ProcessIsolation, extra_paths, probe

RUNNER = Path(_runner.__file__).resolve()
SITE = Path(RestrictedPython.__file__).resolve().parents[1]
START_TIMEOUT_S = 10.0
"""A worker must answer its first ping within 10 s of being started."""


class ProcessWorker:
    """One runner process, connected over a socketpair."""

    def __init__(
        self, limits: Limits, iso: ProcessIsolation, python: str, paths: tuple[str, ...] = ()
    ) -> None:
        host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = [*iso.prefix, python, "-I", "-S", str(RUNNER), "--fd", str(child.fileno()),
               "--site", str(SITE), "--limits", json.dumps(limits.runner_json())]  # fmt: skip
        expose, read = extra_paths(iso, paths)
        for path in paths:
            cmd += ["--path", path]
        for path in iso.hide:
            cmd += ["--hide", path]
        for path in iso.tmp:
            cmd += ["--tmp", path]
        for path in (*iso.expose, *expose):
            cmd += ["--expose", path]
        if iso.drop_uid is not None:
            cmd += ["--uid", str(iso.drop_uid)]
        if iso.landlock:
            cmd += ["--landlock", *(f"--read={path}" for path in (*iso.readable, *read))]
        if iso.seccomp:
            cmd.append("--seccomp")
        if iso.hide or iso.tmp or iso.drop_uid is not None or iso.landlock or iso.seccomp:
            cmd += ["--lib", str(RUNNER.parent)]  # where the runner finds _harden.py
        try:
            self.proc = subprocess.Popen(
                cmd, pass_fds=[child.fileno()], env={}, cwd="/", stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
            )  # fmt: skip
        finally:
            child.close()
        self.ident = f"process:{self.proc.pid}"
        self.channel = Channel(host, max_frame=limits.output_bytes + (1 << 20))
        try:
            self.channel.send({"op": "ping"})
            self.channel.recv(time.monotonic() + START_TIMEOUT_S)
        except Exception as exc:
            self.kill()
            stderr = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
            lines = [line.strip() for line in stderr.splitlines() if line.strip()]
            why = lines[-1] if lines else str(exc)  # the exception line of the traceback
            raise BackendUnavailableError(f"a process worker failed to start: {why}") from None
        if self.proc.stderr:
            self.proc.stderr.close()  # the runner sends its stdio to /dev/null once serving

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.channel.close()


@sandbox_backend("process")
class ProcessSandbox(PooledSandbox):
    """The embedded default backend. Options: ``restrict``, ``pool_size``, ``limits``, ``warm``,
    ``preload``, ``python``, ``paths``, ``hide``.

    ``hide`` names extra host directories workers must not see (``toolproof`` passes its
    state directory, ``TOOLPROOF_HOME``: keys, uploads, the judge cache).

    ``paths`` are extra directories unrestricted code may import from (read-only in the
    worker, bound back where the host's paths are hidden, on the Landlock allow-list): how
    BFCL's math backend gets ``mpmath`` without the worker seeing the host's venv."""

    name = "process"

    def __init__(self, *, restrict: bool = True, pool_size: int = 2, limits: Limits | None = None,
                 warm: bool = False, preload: Mapping[str, str] | None = None,
                 python: str | None = None, paths: Sequence[str] = (),
                 hide: Sequence[str] = ()) -> None:  # fmt: skip
        self.iso = probe(tuple(sorted(str(Path(p)) for p in hide)))
        self.paths = tuple(str(Path(p).resolve()) for p in paths)
        self.python = python or os.path.realpath(sys.executable)
        super().__init__(restrict=restrict, pool_size=pool_size, limits=limits, warm=warm,
                         preload=preload)  # fmt: skip

    def starter(self) -> WorkerStarter:
        return lambda limits: ProcessWorker(limits, self.iso, self.python, self.paths)

    def isolation(self) -> Isolation:
        iso = self.iso
        if iso.namespaces:
            kind = "user+" if iso.user_namespace else ""
            detail = f"worker processes in new {kind}net/pid/mount/ipc/uts namespaces"
        else:
            detail = "worker processes with rlimits only (no namespaces)"
        if iso.drop_uid is not None:
            detail += f", uid {iso.drop_uid}"
        if iso.landlock:
            detail += f", a Landlock filesystem allow-list (ABI {iso.landlock})"
        if iso.seccomp:
            detail += ", a seccomp filter on kernel-attack syscalls"
        return Isolation("process", True, detail, iso.protections, iso.warnings)
