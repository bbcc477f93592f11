"""The Docker probe where no engine answers: a clear error, no leaked socket, tests skip.

These run everywhere (no ``docker`` marker): they point ``DOCKER_HOST`` at a socket that
does not exist or that nobody listens on, whatever the machine has.
"""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import BackendUnavailableError
from sandbox.docker.prereqs import docker_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory whose socket paths fit AF_UNIX's 108 bytes (pytest's tmp_path may not)."""
    with tempfile.TemporaryDirectory(prefix="tp-") as name:
        yield Path(name)


def probe_unavailable(host: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """docker_client()'s error for ``host``; fails on any ResourceWarning it leaves behind."""
    monkeypatch.setenv("DOCKER_HOST", host)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(BackendUnavailableError) as raised:
            docker_client(timeout=2)
        gc.collect()
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, [str(w.message) for w in leaks]
    return str(raised.value)


def test_missing_socket_is_unavailable_and_closed(
    short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = short_dir / "no-such.sock"
    message = probe_unavailable(f"unix://{path}", monkeypatch)
    assert str(path) in message
    assert "docker-bootstrap.sh" in message


def test_socket_nobody_listens_on_is_unavailable_and_closed(
    short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = short_dir / "stale.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
        stale.bind(str(path))  # bound, never listening: connect() is refused
        message = probe_unavailable(f"unix://{path}", monkeypatch)
    assert str(path) in message


@pytest.mark.slow
def test_suite_without_an_engine_passes_with_docker_tests_skipped(short_dir: Path) -> None:
    """The run from issue 14: a non-docker test beside docker ones, warnings as errors."""
    env = {k: v for k, v in os.environ.items() if k != "TOOLPROOF_REQUIRE_DOCKER"}
    env["DOCKER_HOST"] = f"unix://{short_dir / 'no-such.sock'}"
    files = ["tests/e2e/test_bfcl_check.py", "tests/sandbox/test_docker.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and " skipped" in proc.stdout
    assert "no Docker engine answers" in proc.stdout
