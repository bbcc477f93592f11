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
    expose: tuple[str, ...] = ()
    """Interpreter trees under a hidden path, bound back read-only in the worker."""

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


_SYSTEM = (Path("/usr"), Path("/lib"), Path("/lib64"), Path("/bin"), Path("/etc"))


def _hidden_paths(extra: tuple[str, ...]) -> list[str]:
    """Host paths a worker must not read: the project/install tree, the venv, homes, and
    ``extra`` (the application's state directory). Never a system directory or an ancestor
    of one (``sys.prefix`` is ``/usr`` without a venv); an interpreter that lives under a
    hidden path is exposed again (``_expose``)."""
    candidates = [Path(__file__).resolve().parents[2], Path(sys.prefix), Path.home(), Path("/root")]
    candidates += [Path(p) for p in extra]
    out: list[Path] = []
    for path in candidates:
        path = path.resolve()
        if not path.is_dir() or any(system.is_relative_to(path) for system in _SYSTEM):
            continue
        if path not in out:
            out.append(path)
    return [str(p) for p in _outermost(out)]


def _outermost(paths: list[Path]) -> list[Path]:
    """``paths`` without those inside another one (a mount there would be covered)."""
    return [p for p in paths if not any(p != q and p.is_relative_to(q) for q in paths)]


def interpreter_paths() -> tuple[Path, ...]:
    """What a worker reads after it started: the base interpreter's stdlib and extension
    modules (imported lazily by allowed modules)."""
    import _json  # an extension module: where lib-dynload is

    dirs = {Path(os.__file__).parent.resolve(), Path(_json.__file__).parent.resolve()}
    return tuple(_outermost(sorted(dirs)))


def _can(path: Path, uid: int, want: int) -> bool:
    """Whether ``uid`` (with gid ``uid``, no groups) has the ``want`` bits (r=4, x=1)."""
    st = path.stat()
    shift = 6 if st.st_uid == uid else 3 if st.st_gid == uid else 0
    return (st.st_mode >> shift) & want == want


def _first_blocked(path: Path, uid: int) -> Path | None:
    """The outermost ancestor of ``path`` that ``uid`` cannot traverse, if any."""
    for parent in reversed(path.parents):
        if parent != Path("/") and not _can(parent, uid, 1):
            return parent
    return None


def _expose(hide: list[str], tmp: tuple[str, ...], uid: int | None) -> tuple[list[str], list[str]]:
    """(hide, expose) so that the interpreter is readable by ``uid`` in the worker: an
    untraversable ancestor (pyenv under a 0700 home, a venv in a 0700 directory) is hidden
    too, and every interpreter tree under a hidden or private path is bound back."""
    needed = interpreter_paths()
    roots = [Path(p) for p in hide]
    if uid is not None:
        roots += [b for p in needed if (b := _first_blocked(p, uid)) is not None]
    covering = [*roots, *map(Path, tmp)]
    expose = [str(p) for p in needed if any(p.is_relative_to(c) for c in covering)]
    return [str(p) for p in _outermost(list(dict.fromkeys(roots)))], expose


def extra_paths(iso: ProcessIsolation, paths: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(expose, read) for extra import directories (``ProcessSandbox(paths=...)``): each one
    under a hidden or private path is bound back read-only, and with Landlock each one is
    added to the allow-list. Unrestricted code only: RestrictedPython keeps its allow-list."""
    covering = [Path(p) for p in (*iso.hide, *iso.tmp)]
    resolved = [Path(p).resolve() for p in paths]
    expose = [str(p) for p in resolved if any(p.is_relative_to(c) for c in covering)]
    return expose, [str(p) for p in resolved] if iso.landlock else []


def unreadable_interpreter(uid: int) -> Path | None:
    """Without a mount namespace nothing can be bound: the first interpreter tree that
    ``uid`` cannot read as it is, if any."""
    for path in interpreter_paths():
        if _first_blocked(path, uid) is not None or not _can(path, uid, 5):
            return path
    return None


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


def _readable_paths(hide: list[str]) -> tuple[str, ...]:
    """With Landlock, all a worker may read: the interpreter's trees (bound back where
    hidden) and the shared libraries outside hidden paths."""
    system = {Path(p).resolve() for p in ("/lib", "/lib64", "/usr/lib", "/usr/lib64")
              if os.path.isdir(p)}  # fmt: skip
    system = {p for p in system if not any(p.is_relative_to(h) for h in hide)}
    return tuple(sorted(str(p) for p in {*interpreter_paths(), *system}))


def _unshare_works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=10, env={}).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def probe(hidden: tuple[str, ...] = ()) -> ProcessIsolation:
    """Find the strongest launch prefix that works here (runs ``unshare`` once per
    ``hidden``, the extra host directories workers must not see)."""
    root = os.geteuid() == 0
    drop = NOBODY if root else None
    setpriv = shutil.which("setpriv")
    prefix = (setpriv, "--pdeathsig", "KILL", "--") if setpriv else ()
    unshare = shutil.which("unshare")
    flags = _NS_FLAGS if root else ["--user", "--map-root-user", *_NS_FLAGS]
    abi, filtered = landlock_abi(), seccomp_works()
    if unshare and _unshare_works([unshare, *flags, "true"]):
        tmp = ("/tmp", "/var/tmp", "/dev/shm")
        hide, expose = _expose(_hidden_paths(hidden), tmp, drop)
        warnings = [] if filtered else [NO_SECCOMP]
        if not abi:
            warnings.append(
                f"only {', '.join(hide)} and /tmp are hidden and the kernel has no Landlock: "
                "other host files any user may read (/etc/passwd, ...) are readable by "
                "--no-restrict code"
            )
        return ProcessIsolation(
            (*prefix, unshare, *flags), True, not root, drop, tuple(hide), tmp,
            tuple(warnings), abi, _readable_paths(hide) if abi else (), filtered, tuple(expose),
        )  # fmt: skip
    warnings = [NO_NAMESPACES] + ([] if filtered else [NO_SECCOMP])
    if root and (blocked := unreadable_interpreter(NOBODY)) is not None:
        drop = None
        warnings.append(
            f"workers run as root: uid {NOBODY} cannot read the interpreter at {blocked} and "
            "without a mount namespace it cannot be bound back; install Python where every "
            "user can read it (e.g. /usr/local or /opt) or allow unshare"
        )
    elif root:
        warnings.append("running as root without namespaces: workers still drop to uid 65534")
    return ProcessIsolation(prefix, False, False, drop, (), (), tuple(warnings), seccomp=filtered)
