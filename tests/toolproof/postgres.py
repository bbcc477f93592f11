"""A private PostgreSQL server for tests, from Debian's package (initdb + pg_ctl).

It runs as a non-root user (``postgres`` when the tests run as root) in a temporary
directory, on a free loopback port, with fsync off; ``start`` returns its SQLAlchemy URL.
Where it cannot start, tests skip saying why, unless TOOLPROOF_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.toolproof.live import free_port


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


def _install() -> None:
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=False,
                       capture_output=True, timeout=600)  # fmt: skip


def unavailable(reason: str) -> None:
    if os.environ.get("TOOLPROOF_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"TOOLPROOF_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


class Cluster:
    """A private cluster; ``stop`` and ``start`` again to test a store that goes down."""

    def __init__(self) -> None:
        if _bin("initdb") is None:
            _install()
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            unavailable("PostgreSQL is not installed (apt-get install -y postgresql)")
        assert initdb is not None and pg_ctl is not None
        self.pg_ctl = pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="tp-pg-"))
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                unavailable("running as root without runuser to drop to the postgres user")
            self.prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self.data, self.port = self.root / "data", free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        init = subprocess.run(
            [
                *self.prefix,
                initdb,
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            capture_output=True,
            timeout=120,
        )
        if init.returncode != 0:
            self.remove()
            unavailable(f"initdb failed: {init.stderr.decode()[-500:]}")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        run = subprocess.run(
            [
                *self.prefix,
                self.pg_ctl,
                "-D",
                str(self.data),
                "-o",
                opts,
                "-l",
                str(self.root / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            capture_output=True,
            timeout=90,
        )
        if run.returncode != 0:
            unavailable(f"pg_ctl start failed: {run.stderr.decode()[-500:]}")

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[Cluster]:
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        cluster.remove()
