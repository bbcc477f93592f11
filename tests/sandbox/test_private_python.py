"""The process backend under an interpreter that the sandbox uid cannot reach.

pyenv under a 0700 home, a venv inside a 0700 directory, a relocated interpreter: how
most people install Python tools. This builds one for real: the running interpreter's
executable and stdlib copied (hard links where the filesystem allows) into a 0700
directory, a venv made from that copy beside it, RestrictedPython copied into the venv
(so the worker's ``--site`` is inside the private directory too), and the rest of the
test environment reached through a ``.pth``. Then it runs the process backend's
conformance suite and the escape suite with that venv's interpreter, and checks what
the isolation probe chose (the untraversable directory hidden, the stdlib bound back).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import RestrictedPython

ROOT = Path(__file__).resolve().parents[2]
VERSION = f"python{sys.version_info.major}.{sys.version_info.minor}"


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _private_venv(base: Path) -> Path:
    """A copy of this interpreter under ``base/private`` (0700) and a venv made from it."""
    import _json

    private = base / "private"
    prefix = private / "python"
    (prefix / "bin").mkdir(parents=True)
    python = prefix / "bin" / VERSION
    shutil.copy2(os.path.realpath(sys.executable), python)
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    ignore = shutil.ignore_patterns("site-packages", "dist-packages", "test", "idlelib")
    lib = prefix / "lib" / VERSION
    shutil.copytree(stdlib, lib, symlinks=True, ignore=ignore, copy_function=_link_or_copy)
    dynload = Path(_json.__file__).resolve().parent
    if not dynload.is_relative_to(stdlib):
        shutil.copytree(dynload, lib / "lib-dynload", copy_function=_link_or_copy)
    private.chmod(0o700)
    venv = private / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = venv / "lib" / VERSION / "site-packages"
    package = Path(RestrictedPython.__file__).resolve().parent
    shutil.copytree(package, site / package.name)
    host_site = Path(sysconfig.get_paths()["purelib"]).resolve()
    (site / "_toolproof_host.pth").write_text(f"import site; site.addsitedir({str(host_site)!r})\n")
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def private_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _private_venv(tmp_path_factory.mktemp("interp"))


def _run(python: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(python), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


PROBE = """
import json, sys, os, RestrictedPython
from sandbox.process.isolation import probe
iso = probe()
print(json.dumps({"exe": os.path.realpath(sys.executable), "site": RestrictedPython.__file__,
                  "hide": iso.hide, "expose": iso.expose, "drop": iso.drop_uid,
                  "namespaces": iso.namespaces}))
"""


def test_the_environment_is_private_and_the_probe_binds_the_stdlib_back(
    private_python: Path,
) -> None:
    private = private_python.parents[2]
    assert private.name == "private" and private.stat().st_mode & 0o777 == 0o700
    done = _run(private_python, "-c", PROBE, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert Path(seen["exe"]).is_relative_to(private)
    assert Path(seen["site"]).is_relative_to(private)
    if not seen["namespaces"]:
        pytest.skip("unshare is not permitted here: nothing can be bound back")
    stdlib = str(private / "python" / "lib" / VERSION)
    assert stdlib in seen["expose"]
    if seen["drop"] is not None:  # as root: the 0700 directory itself is hidden
        assert any(private.is_relative_to(h) for h in seen["hide"])


def test_the_sandbox_and_escape_suites_pass_on_it(private_python: Path) -> None:
    suites = ["tests/sandbox/test_session.py", "tests/sandbox/test_process.py",
              "tests/security/test_escapes.py"]  # fmt: skip
    done = _run(private_python, "-m", "pytest", "-p", "no:cacheprovider", "-m", "not docker",
                *suites, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary


def test_doctor_shows_every_isolation_piece_in_force(private_python: Path) -> None:
    done = _run(private_python, "-m", "toolproof", "sandbox", "doctor", "--json", timeout=120)
    process = next(row for row in json.loads(done.stdout) if row["backend"] == "process")
    assert process["works"], process
    here = _run(Path(sys.executable), "-m", "toolproof", "sandbox", "doctor", "--json",
                timeout=120)  # fmt: skip
    expected = next(row for row in json.loads(here.stdout) if row["backend"] == "process")
    assert process["missing"] == expected["missing"]
