"""The process backend: what isolation it detects, and that the workers really have it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Bundle, create_sandbox
from sandbox.process import ProcessSandbox, probe

PROBE = Bundle.from_source(
    "import os, resource\n"
    "def facts():\n"
    "    return {'env': dict(os.environ), 'uid': os.getuid(), 'pid': os.getpid(),\n"
    "            'nproc': resource.getrlimit(resource.RLIMIT_NPROC)[0],\n"
    "            'as': resource.getrlimit(resource.RLIMIT_AS)[0], 'cwd': os.getcwd(),\n"
    "            'tmp': os.listdir('/tmp')}\n"
)


@pytest.fixture(scope="module")
def unrestricted() -> Iterator[ProcessSandbox]:
    sandbox = create_sandbox("process", restrict=False, pool_size=0)
    assert isinstance(sandbox, ProcessSandbox)
    yield sandbox
    sandbox.close()


def test_isolation_report_matches_the_probe(unrestricted: ProcessSandbox) -> None:
    iso = unrestricted.isolation()
    found = probe()
    assert iso.backend == "process" and iso.available
    assert iso.protections["no_network"] is found.namespaces
    assert iso.protections["seccomp"] is found.seccomp
    assert any("seccomp" in w for w in iso.warnings) is not found.seccomp
    if not found.namespaces:
        assert any("unshare" in w for w in iso.warnings)


def test_workers_run_with_what_the_report_claims(unrestricted: ProcessSandbox) -> None:
    with unrestricted.session(PROBE) as s:
        out = s.call("facts", {})
    assert out.ok, out
    facts = out.value
    assert facts["env"] == {}
    assert facts["nproc"] == 0
    assert facts["as"] == unrestricted.default_limits.memory_bytes
    found = probe()
    if os.geteuid() == 0:
        assert facts["uid"] == 65534
    if found.namespaces:
        assert facts["pid"] == 1  # first process of its own pid namespace
        assert not [name for name in facts["tmp"] if name.startswith("toolproof")]


LANDLOCKED = Bundle.from_source(
    "import os, socket\n"
    "def attempt(what, program=''):\n"
    "    try:\n"
    "        if what == 'read':\n"
    "            open('/etc/passwd').read()\n"
    "        elif what == 'exec':\n"
    "            os.execv(program, [program, '--version'])\n"
    "        elif what == 'tcp':\n"
    "            socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
    "        elif what == 'lazy import':\n"
    "            import sqlite3\n"
    "            return sqlite3.connect(':memory:').execute('select 1').fetchone()[0]\n"
    "        elif what == 'tmp':\n"
    "            open('/tmp/x', 'w').write('x')\n"
    "            return open('/tmp/x').read()\n"
    "    except OSError as exc:\n"
    "        return type(exc).__name__\n"
    "    return 'done'\n"
)


@pytest.mark.skipif(not probe().landlock, reason="the kernel has no Landlock")
def test_landlock_leaves_a_worker_its_libraries_and_tmp_only(unrestricted: ProcessSandbox) -> None:
    assert unrestricted.isolation().protections["filesystem_allowlist"]
    assert "Landlock" in unrestricted.isolation().detail
    # an executable inside a readable directory: readable is not executable
    loaders = ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1")
    program = next((p for p in loaders if os.access(p, os.X_OK)), "/usr/bin/true")
    with unrestricted.session(LANDLOCKED) as s:
        got = {what: s.call("attempt", {"what": what, "program": program}).value
               for what in ("read", "exec", "tcp", "lazy import", "tmp")}  # fmt: skip
    assert got["read"] == got["exec"] == "PermissionError"
    assert got["tcp"] in ("PermissionError", "ConnectionRefusedError", "OSError")
    assert got["lazy import"] == 1 and got["tmp"] == "x"


@pytest.mark.skipif(not probe().seccomp, reason="no seccomp filter for this kernel or CPU")
def test_the_seccomp_filter_refuses_kernel_attack_syscalls(unrestricted: ProcessSandbox) -> None:
    calls = Bundle.from_source(
        "import ctypes, os, platform\n"
        "def attempt():\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    got = {'unshare': libc.unshare(0x10000000), 'ptrace': libc.ptrace(0, 0, 0, 0),\n"
        "           'mount': libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)}\n"
        "    if platform.machine() == 'x86_64':  # the x32 ABI: the same call, bit 30 set\n"
        "        got['x32 getpid'] = libc.syscall(0x40000000 + 39)\n"
        "    return {'results': got, 'errno': ctypes.get_errno(), 'pid': os.getpid()}\n"
    )
    with unrestricted.session(calls) as s:
        out = s.call("attempt", {})
    assert out.ok, out
    assert set(out.value["results"].values()) == {-1} and out.value["errno"] == 1  # EPERM
    assert out.value["pid"] > 0  # everything else still works


def test_extra_paths_are_importable_read_only_and_nothing_beside_them() -> None:
    """``paths``: a package directory under a hidden path (the home) is bound back
    read-only for unrestricted code; its parent stays hidden."""
    home = Path.home() / ".cache" / "toolproof-tests" / "extra-path-check"
    site = home / "site"
    (site / "extra_pkg").mkdir(parents=True, exist_ok=True)
    (site / "extra_pkg" / "__init__.py").write_text("VALUE = 42\n")
    (home / "secret.txt").write_text("hidden")
    code = (
        "import os\n"
        "def attempt(site, secret):\n"
        "    import extra_pkg\n"
        "    try:\n"
        "        open(os.path.join(site, 'extra_pkg', 'new.py'), 'w')\n"
        "        writable = True\n"
        "    except OSError:\n"
        "        writable = False\n"
        "    return [extra_pkg.VALUE, writable, os.path.exists(secret)]\n"
    )
    sandbox = create_sandbox("process", restrict=False, pool_size=0, paths=[str(site)])
    try:
        with sandbox.session(Bundle.from_source(code)) as s:
            got = s.call("attempt", {"site": str(site), "secret": str(home / "secret.txt")})
    finally:
        sandbox.close()
    assert got.ok, got.error
    value, writable, secret_seen = got.value
    assert value == 42 and not writable
    if probe().namespaces:  # only a mount namespace can hide the rest of the home
        assert not secret_seen
