"""What the process backend can isolate on this machine, probed once per host process.

Namespaces come from util-linux ``unshare`` (new net/pid/mount/ipc/uts namespaces; a new
user namespace too when not root), the uid drop and hidden paths from the runner itself.
Each protection that is missing becomes a warning that ``toolproof sandbox doctor`` prints.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from sandbox._harden import SECCOMP_ARCHES, landlock_abi

NOBODY = 65534
_NS_FLAGS = [
    "--net",
    "--pid",
    "--fork",
    "--mount",
    "--mount-proc",
    "--ipc",
    "--uts",
    "--kill-child",
]


@dataclass(frozen=True)
class ProcessIsolation:
    """The launch prefix for workers and what it gives."""

    prefix: tuple[str, ...]
    namespaces: bool
    user_namespace: bool
    drop_uid: int | None
    hide: tuple[str, ...]
    tmp: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    landlock: int = 0
    """The kernel's Landlock ABI when workers get a filesystem allow-list, else 0."""
    readable: tuple[str, ...] = ()
    """With Landlock: the only paths a worker may read (the interpreter's libraries)."""
    seccomp: bool = False
    """Whether workers install the seccomp filter (``sandbox._harden.seccomp``)."""

    @property
    def protections(self) -> dict[str, bool]:
        return {
            "restricted_python": True,
            "rlimits": True,
            "empty_environment": True,
            "no_network": self.namespaces,
            "pid_namespace": self.namespaces,
            "hidden_host_paths": self.namespaces and bool(self.hide),
            "private_tmp": self.namespaces,
            "unprivileged_user": self.drop_uid is not None or self.user_namespace,
            "no_child_processes": self.drop_uid is not None or os.geteuid() != 0,
            "filesystem_allowlist": self.landlock > 0,
            "seccomp": self.seccomp,
        }


def _hidden_paths() -> list[str]:
    """Host paths a worker must not read: the project/install tree, the venv, homes."""
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    candidates = [Path(__file__).resolve().parents[2], Path(sys.prefix), Path.home(), Path("/root")]
    if os.environ.get("TOOLPROOF_HOME"):
        candidates.append(Path(os.environ["TOOLPROOF_HOME"]))
    out: list[str] = []
    for path in candidates:
        path = path.resolve()
        if path == Path("/") or not path.is_dir() or stdlib.is_relative_to(path):
            continue
        if str(path) not in out:
            out.append(str(path))
    return out


NO_SECCOMP = "no seccomp filter: the kernel's whole syscall surface is reachable"


def seccomp_works() -> bool:
    """The kernel filters syscalls and the runner has a syscall table for this CPU."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return False
    return platform.machine() in SECCOMP_ARCHES and "\nSeccomp:" in status


NO_NAMESPACES = (
    "unshare is not permitted here: workers share the host's network, pids, mounts and /tmp; "
    "host files the user can read are readable by --no-restrict code"
)


def _readable_paths(hide: tuple[str, ...]) -> tuple[str, ...]:
    """What a worker must read after start: the base interpreter's stdlib and extension
    modules (imported lazily by allowed modules) and shared libraries; nothing hidden."""
    import _json  # an extension module: where lib-dynload is

    paths = {os.path.dirname(os.__file__), os.path.dirname(_json.__file__)}
    paths |= {p for p in ("/lib", "/lib64", "/usr/lib", "/usr/lib64") if os.path.isdir(p)}
    resolved = {Path(p).resolve() for p in paths}
    return tuple(sorted(str(p) for p in resolved if not any(p.is_relative_to(h) for h in hide)))


def _unshare_works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=10, env={}).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def probe() -> ProcessIsolation:
    """Find the strongest launch prefix that works here (runs ``unshare`` once)."""
    root = os.geteuid() == 0
    drop = NOBODY if root else None
    setpriv = shutil.which("setpriv")
    prefix = (setpriv, "--pdeathsig", "KILL", "--") if setpriv else ()
    unshare = shutil.which("unshare")
    flags = _NS_FLAGS if root else ["--user", "--map-root-user", *_NS_FLAGS]
    abi, filtered = landlock_abi(), seccomp_works()
    if unshare and _unshare_works([unshare, *flags, "true"]):
        hide = tuple(_hidden_paths())
        warnings = [] if filtered else [NO_SECCOMP]
        if not abi:
            warnings.append(
                f"only {', '.join(hide)} and /tmp are hidden and the kernel has no Landlock: "
                "other host files any user may read (/etc/passwd, ...) are readable by "
                "--no-restrict code"
            )
        return ProcessIsolation(
            (*prefix, unshare, *flags), True, not root, drop, hide,
            ("/tmp", "/var/tmp", "/dev/shm"), tuple(warnings), abi,
            _readable_paths(hide) if abi else (), filtered,
        )  # fmt: skip
    warnings = [NO_NAMESPACES] + ([] if filtered else [NO_SECCOMP])
    if root:
        warnings.append("running as root without namespaces: workers still drop to uid 65534")
    return ProcessIsolation(prefix, False, False, drop, (), (), tuple(warnings), seccomp=filtered)
