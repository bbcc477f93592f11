"""BFCL's stateful multi-turn backends: fetched from BFCL's pinned release, run as a bundle.

BFCL's multi-turn categories are scored by executing calls on its own backend classes (a
file system, messaging, posting, ticketing, trading, travel, vehicle control, math).
Those classes are BFCL's code (Apache-2.0): toolproof never commits them and never
imports them into the host process. :func:`fetch_backends` downloads the pinned ``bfcl-eval``
wheel with pip (``--no-deps``), checks its sha256, and extracts the backend sources and
the one third-party module they need (``mpmath``, for the math backend, from its own
pinned wheel) under ``TOOLPROOF_HOME``; :func:`load_backends` reads such a directory (or
any directory of backend modules written the same way) into sources a sandbox bundle
carries. The backends run in sandbox workers, never here.

A directory fetched by toolproof is *trusted* (its files still hash to what the pinned
release holds): its code runs without RestrictedPython, which BFCL's classes cannot pass
(private attributes, dunder methods), but still inside the process backend's isolation.
Any other directory needs ``--trusted`` for the same.
"""

from __future__ import annotations

import ast
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from toolspec.errors import ConfigError

BFCL_EVAL_VERSION = "2026.3.23"
"""The BFCL release whose backends and checker toolproof matches (its data: ``data/``)."""
WHEELS = {
    "bfcl-eval": (
        BFCL_EVAL_VERSION,
        "bfcl_eval-2026.3.23-py3-none-any.whl",
        "3bb6dfa5f0c68ad403c9ec50b00db2bb3b4cc9b38ab1ff33f48fe30d853d3a0a",
    ),
    "mpmath": (
        "1.3.0",
        "mpmath-1.3.0-py3-none-any.whl",
        "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c",
    ),
}
"""name → (pinned version, wheel file, sha256 of the wheel): what ``fetch`` accepts."""
SOURCE_IN_WHEEL = "bfcl_eval/eval_checker/multi_turn_eval/func_source_code/"
PACKAGE = "bfcl_eval.eval_checker.multi_turn_eval.func_source_code"
CLASS_MODULES: dict[str, str] = {
    "GorillaFileSystem": "gorilla_file_system",
    "MathAPI": "math_api",
    "MessageAPI": "message_api",
    "TwitterAPI": "posting_api",
    "TicketAPI": "ticket_api",
    "TradingBot": "trading_bot",
    "TravelAPI": "travel_booking",
    "VehicleControlAPI": "vehicle_control",
}
"""The multi-turn categories' backend classes and their modules (BFCL's own mapping)."""
SHARED_MODULES = ("long_context",)
"""Modules the backends import from one another (data for the long-context category)."""
STATELESS_CLASSES = frozenset({"MathAPI"})
"""Classes BFCL instantiates without loading a scenario."""
MANIFEST = "manifest.json"


class BackendsError(ConfigError):
    """Raised when backends cannot be fetched or a backend directory cannot be used."""

    code = "bfcl.backends_unavailable"


@dataclass(frozen=True, slots=True)
class Backends:
    """Backend module sources (imports made bundle-local), and where they came from."""

    modules: dict[str, str]
    source: Path
    trusted: bool
    """True when the files are exactly those of the pinned BFCL release."""
    paths: tuple[str, ...] = ()
    """Extra import directories the sandbox worker needs (``mpmath``)."""


def default_backends_dir(home: Path) -> Path:
    """Where ``fetch`` puts the backends of the pinned release under ``TOOLPROOF_HOME``."""
    return home / "bfcl" / f"bfcl-eval-{BFCL_EVAL_VERSION}"


def fetch_backends(
    home: Path, *, python: str = sys.executable, quiet: bool = True, force: bool = False
) -> Path:
    """Download (once; wheels are cached under ``home``) and extract the pinned backends.

    Returns the backend directory; one already extracted and intact is kept unless
    ``force``. Raises :class:`BackendsError` when pip fails or a wheel's sha256 differs
    from the pinned one.
    """
    target = default_backends_dir(home)
    if not force and target.is_dir() and load_backends(target).trusted:
        return target
    wheels = home / "bfcl" / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    paths = {name: _wheel(name, wheels, python, quiet) for name in WHEELS}
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
    try:
        hashes = _extract_backends(paths["bfcl-eval"], staging / "func_source_code")
        _extract_package(paths["mpmath"], "mpmath/", staging / "site")
        manifest = {
            "bfcl_eval": BFCL_EVAL_VERSION,
            "wheels": {n: {"version": v, "sha256": s} for n, (v, _, s) in WHEELS.items()},
            "files": hashes,
            "license": "Apache-2.0 (bfcl-eval), BSD-3-Clause (mpmath)",
        }
        (staging / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _wheel(name: str, wheels: Path, python: str, quiet: bool) -> Path:
    version, filename, sha256 = WHEELS[name]
    path = wheels / filename
    if not (path.is_file() and _sha256(path.read_bytes()) == sha256):
        cmd = [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", f"{name}=={version}", "-d", str(wheels)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
        if done.returncode != 0 or not path.is_file():
            why = (done.stderr or "").strip().splitlines()[-1:] if quiet else []
            raise BackendsError(f"pip could not download {name}=={version}: {' '.join(why)}")
    if _sha256(path.read_bytes()) != sha256:
        raise BackendsError(f"{filename} does not have the pinned sha256 {sha256}")
    return path


def _extract_backends(wheel: Path, target: Path) -> dict[str, str]:
    """The backend modules toolproof runs (others need numpy, a network: left out)."""
    wanted = {f"{m}.py" for m in (*CLASS_MODULES.values(), *SHARED_MODULES)}
    target.mkdir(parents=True)
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in wanted:
            data = archive.read(SOURCE_IN_WHEEL + name)
            (target / name).write_bytes(data)
            hashes[name] = _sha256(data)
    return hashes


def _extract_package(wheel: Path, prefix: str, target: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                out = target / info.filename
                if not out.resolve().is_relative_to(target.resolve()):
                    raise BackendsError(f"{wheel.name} holds a path outside its package")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(info))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_backends(directory: Path) -> Backends:
    """The backends in ``directory``: a fetched release or a directory of modules.

    A module per class of :data:`CLASS_MODULES` (a missing one is only an error when an
    entry needs its class: the bundle just lacks it), plus :data:`SHARED_MODULES`.
    """
    code_dir = directory / "func_source_code"
    if not code_dir.is_dir():
        code_dir = directory
    if not code_dir.is_dir():
        raise BackendsError(
            f"no BFCL backends at {directory}; run `toolproof bfcl backends fetch` or pass "
            "--backends DIR"
        )
    modules: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for name in (*CLASS_MODULES.values(), *SHARED_MODULES):
        path = code_dir / f"{name}.py"
        if path.is_file():
            data = path.read_bytes()
            hashes[path.name] = _sha256(data)
            modules[name] = bundle_local(data.decode(), name)
    if not any(name in modules for name in CLASS_MODULES.values()):
        raise BackendsError(f"{code_dir} holds none of BFCL's backend modules")
    trusted = _manifest_files(directory) == hashes
    site = directory / "site"
    return Backends(modules, directory, trusted, (str(site),) if site.is_dir() else ())


def _manifest_files(directory: Path) -> dict[str, str] | None:
    try:
        manifest = orjson.loads((directory / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if manifest.get("bfcl_eval") != BFCL_EVAL_VERSION or not isinstance(
        manifest.get("files"), dict
    ):
        return None
    return dict(manifest["files"])


def bundle_local(source: str, name: str) -> str:
    """``from bfcl_eval....func_source_code.long_context import X`` → ``from long_context
    import X``: bundle modules import one another by bare name. Located with :mod:`ast`,
    so only real import statements change; a module that does not parse is kept as it is
    (the sandbox reports its syntax error when it loads)."""
    try:
        tree = ast.parse(source, filename=f"{name}.py")
    except SyntaxError:
        return source
    lines = source.splitlines(keepends=True)
    for node in sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)),
        key=lambda n: -n.lineno,
    ):
        module = node.module or ""
        if node.level or not module.startswith(PACKAGE + "."):
            continue
        assert node.end_lineno is not None
        names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
        statement = " " * node.col_offset + f"from {module.rsplit('.', 1)[1]} import {names}\n"
        lines[node.lineno - 1 : node.end_lineno] = [statement]
    return "".join(lines)
