"""images/docker-bootstrap.sh when the set-up fails: apt's or dockerd's own last lines.

The script runs against a bin directory of stand-ins (``docker`` that never answers, an
``apt-get`` or ``dockerd`` that fails as the real ones do) and nothing else on PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "images" / "docker-bootstrap.sh"
TOOLS = ["cat", "mktemp", "nohup", "rm", "sed", "seq", "sleep", "tail", "wc"]


def stand_in(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        where = shutil.which(tool)
        if where is None:
            pytest.skip(f"{tool} is not installed")
        (bin_dir / tool).symlink_to(where)
    stand_in(bin_dir, "id", "echo 0\n")  # as root, so the script goes on to install and start
    stand_in(bin_dir, "docker", "exit 1\n")  # no engine answers
    return bin_dir


def bootstrap(bin_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(bin_dir),
        "DOCKERD_LOG": str(tmp_path / "dockerd.log"),
        "DOCKERD_PIDFILE": str(tmp_path / "docker.pid"),
        "DOCKERD_WAIT_S": "20",
    }
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_failed_install_shows_apt_s_last_lines(bin_dir: Path, tmp_path: Path) -> None:
    stand_in(
        bin_dir,
        "apt-get",
        'echo "Reading package lists..."\n'
        'echo "E: Unable to locate package docker.io" >&2\nexit 100\n',
    )
    proc = bootstrap(bin_dir, tmp_path)
    assert proc.returncode == 1
    assert "apt-get install docker.io failed" in proc.stderr
    assert "E: Unable to locate package docker.io" in proc.stderr


def test_a_dockerd_that_exits_shows_its_last_lines_at_once(bin_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "dockerd.log").write_text("a line an earlier run left\n")
    stand_in(bin_dir, "apt-get", "exit 0\n")
    stand_in(
        bin_dir,
        "dockerd",
        'echo "level=info msg=\\"Starting up\\""\n'
        'echo "failed to start daemon: operation not permitted" >&2\nexit 1\n',
    )
    started = time.monotonic()
    proc = bootstrap(bin_dir, tmp_path)
    assert proc.returncode == 1
    assert time.monotonic() - started < 10  # not DOCKERD_WAIT_S: it exited, it will not answer
    assert "dockerd exited before it answered" in proc.stderr
    assert "failed to start daemon: operation not permitted" in proc.stderr
    assert "earlier run" not in proc.stderr
