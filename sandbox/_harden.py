"""Hardening of a ``process`` backend worker, applied by the runner before it serves.

Standard library only, like the runner, which imports this file from the directory the
host names (``--lib``) only when it hardens a process worker: the docker backend's
containers get the runner alone, and their isolation from the engine. In order: mounts
and the uid drop (``harden``), a Landlock filesystem allow-list (``landlock``), a
seccomp filter (``seccomp``). Landlock and seccomp need no privilege, only
``no_new_privs``; each raises when it cannot be applied, so that a worker that was asked
for a protection never runs without it.
"""

from __future__ import annotations

import os
import resource
import struct
from typing import Any

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
_MS_REMOUNT, _MS_BIND, _MS_REC = 0x20, 0x1000, 0x4000
# statvfs flag -> mount flag: a bind remount must keep the source's locked flags (in a
# user namespace the kernel refuses to clear noexec or change the atime mode of a mount).
_KEEP = {0x8: _MS_NOEXEC, 0x400: 0x400, 0x800: 0x800, 0x1000: 1 << 21}  # NOATIME, ...


def _mount(libc: Any, source: str | None, target: str, fstype: str | None, flags: int) -> None:
    """mount(2), raising OSError when it fails (for the steps a worker cannot skip)."""
    import ctypes

    def enc(text: str | None) -> bytes | None:
        return None if text is None else text.encode()

    if libc.mount(enc(source), target.encode(), enc(fstype), flags, None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"cannot mount {target}: {os.strerror(err)}")


def harden(hide: list[str], tmp: list[str], expose: list[str], uid: int | None,
           preload: tuple[str, ...]) -> None:  # fmt: skip
    """Hide host paths and mount private tmp dirs (in a mount namespace), put the
    ``expose`` trees back read-only at their own paths, drop to ``uid``, then apply
    rlimits. Imports ``preload`` first: those modules may live under a hidden path.

    ``expose`` is how an interpreter that the sandbox uid cannot reach still runs: the
    host hides the untraversable ancestor (a 0700 home, say) and the worker binds the
    interpreter's stdlib back from a file descriptor opened before anything was covered,
    so uid 65534 sees that tree and nothing else of the directory. Hiding is skipped where
    it is not permitted (the host reports it); an exposure that fails stops the worker."""
    import ctypes

    for name in preload:
        __import__(name)
    libc = ctypes.CDLL(None, use_errno=True)
    fds = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for path in expose]
    for path in hide:  # writable until the exposed trees have their mount points
        libc.mount(b"tmpfs", path.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                   b"size=1m,mode=755")  # fmt: skip
    for path in tmp:
        libc.mount(b"tmpfs", path.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, b"size=64m,mode=1777")
    for path, fd in fds:
        keep = os.statvfs(f"/proc/self/fd/{fd}").f_flag
        flags = _MS_RDONLY | _MS_NOSUID | _MS_NODEV
        flags |= sum(ms for st, ms in _KEEP.items() if keep & st)
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        _mount(libc, None, path, None, _MS_REMOUNT | _MS_BIND | flags)
        os.close(fd)
    for path in hide:
        libc.mount(b"tmpfs", path.encode(), b"tmpfs",
                   _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                   b"size=1m,mode=755")  # fmt: skip
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.chdir("/tmp" if os.path.isdir("/tmp") else "/")


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0: none); the host probes with this too."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return max(0, int(libc.syscall(444, None, 0, 1)))  # LANDLOCK_CREATE_RULESET_VERSION


def landlock(readable: list[str], writable: list[str]) -> None:
    """Process backend: from here on this process may open only ``readable`` paths (to
    read; it cannot exec anything) and ``writable`` ones (anything), may not connect or
    bind TCP, and (ABI 6+) may not signal processes or reach abstract sockets outside
    itself. Landlock needs no privilege; a kernel without it makes this raise, and the
    worker does not start."""
    import ctypes

    abi = landlock_abi()
    if abi < 1:
        raise OSError("Landlock is not available")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0)
    fs |= 1 << 15 if abi >= 5 else 0  # + REFER, TRUNCATE, IOCTL_DEV where known
    fields = [fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0]  # fs, tcp, scopes
    attr = struct.pack("<3Q", *fields)[: 8 * (1 + (abi >= 4) + (abi >= 6))]
    ruleset = libc.syscall(444, attr, len(attr), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    read = 1 << 2 | 1 << 3  # READ_FILE, READ_DIR: libraries load, no program can be exec()ed
    file_rights = 1 << 0 | 1 << 1 | 1 << 2 | (1 << 14 if abi >= 3 else 0)
    for paths, rights in ((readable, read), (writable, fs)):
        for path in paths:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            allowed = rights if os.path.isdir(path) else rights & file_rights
            rule = struct.pack("<Qi", allowed, fd)  # landlock_path_beneath_attr, packed
            ok = libc.syscall(445, ruleset, 1, rule, 0)
            os.close(fd)
            if ok < 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    if libc.prctl(38, 1, 0, 0, 0) or libc.syscall(446, ruleset, 0):  # NO_NEW_PRIVS, restrict
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    os.close(ruleset)


# Syscalls a mock never needs and kernel attacks start from (Docker's default profile
# denies them too): tracing, mounts and namespaces, modules, kexec, BPF, perf, keyrings,
# userfaultfd, io_uring, file handles, reboot, swap, syslog, accounting, chroot.
SECCOMP_ARCHES = ("x86_64", "aarch64")
_DENY = {
    "x86_64": (0xC000003E, (101, 310, 311, 165, 166, 155, 272, 308, 246, 320, 175, 313, 176,
               321, 298, 250, 248, 249, 323, 425, 426, 427, 304, 303, 169, 167, 168, 103,
               163, 161, 428, 429, 430, 431, 432, 433, 442)),
    "aarch64": (0xC00000B7, (117, 270, 271, 40, 39, 41, 97, 268, 104, 294, 105, 273, 106,
                280, 241, 219, 217, 218, 282, 425, 426, 427, 265, 264, 142, 224, 225, 116,
                89, 51, 428, 429, 430, 431, 432, 433, 442)),
}  # fmt: skip


def seccomp() -> None:
    """Process backend: a seccomp-BPF filter answering EPERM to the ``_DENY`` syscalls, to
    every syscall of another ABI (32-bit ``int 0x80``, x32) and allowing the rest."""
    import ctypes
    import platform

    arch, denied = _DENY[platform.machine()]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JGE|K, RET|K
    allow, eperm = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO|EPERM
    prog = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, eperm), (ld, 0, 0, 0)]
    if arch == 0xC000003E:  # x32 syscalls carry bit 30: deny them all
        prog += [(jge, 0, 1, 0x40000000), (ret, 0, 0, eperm)]
    prog += [(jeq, len(denied) - i, 0, nr) for i, nr in enumerate(denied)]
    prog += [(ret, 0, 0, allow), (ret, 0, 0, eperm)]
    code = b"".join(struct.pack("<HBBI", *insn) for insn in prog)

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    fprog = Fprog(len(prog), code)
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0):
        raise OSError(ctypes.get_errno(), "seccomp filter not installed")  # NO_NEW_PRIVS
