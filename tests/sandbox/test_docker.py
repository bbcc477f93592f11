"""The docker backend: the hardening flags on a live container, the reaper, clean exits."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import Bundle, Limits
from sandbox.docker import DockerSandbox, reap
from sandbox.docker.config import LABEL, OWNER_LABEL, owner_id

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def docker_sb(opener_module: Any) -> Iterator[DockerSandbox]:
    sandbox = opener_module("docker", pool_size=1)
    assert isinstance(sandbox, DockerSandbox)
    yield sandbox
    sandbox.close()


def ours(client: Any, owner: str) -> list[Any]:
    found = client.containers.list(all=True, sparse=True, filters={"label": f"{LABEL}=1"})
    return [c for c in found if (c.attrs.get("Labels") or {}).get(OWNER_LABEL) == owner]


def test_containers_are_hardened(docker_sb: DockerSandbox) -> None:
    limits = Limits(wall_s=2, memory_bytes=96 * 1024 * 1024, pids=8, cpus=0.5)
    with docker_sb.session(Bundle.from_source("def f():\n    return 1\n"), limits) as s:
        assert s.call("f", {}).value == 1
        container = s.worker.container  # type: ignore[union-attr]
        container.reload()
        host = container.attrs["HostConfig"]
        config = container.attrs["Config"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and not host.get("CapAdd")
    assert "no-new-privileges" in host["SecurityOpt"]
    assert host["PidsLimit"] == 8 and host["Memory"] == 96 * 1024 * 1024
    assert host["MemorySwap"] == host["Memory"] and host["NanoCpus"] == 500_000_000
    assert "/tmp" in host["Tmpfs"] and not host.get("Privileged")
    assert config["User"] == "65534:65534" or not config["User"].startswith("0")
    assert config["Labels"][LABEL] == "1" and config["Labels"][OWNER_LABEL] == owner_id()
    assert config["Env"] is None or all(not e.startswith("TOOLPROOF") for e in config["Env"])
    mounts = {m["Destination"]: m for m in container.attrs["Mounts"]}
    assert mounts["/opt/toolproof/runner.py"]["RW"] is False
    assert set(mounts) == {"/opt/toolproof/runner.py", "/run/toolproof"}


def test_closing_removes_every_container(opener_module: Any) -> None:
    sandbox = opener_module("docker", pool_size=2, warm=True)
    with sandbox.session(Bundle.from_source("def f():\n    return 1\n")) as s:
        s.call("f", {})
        names = {w.ident for w in sandbox.pool(sandbox.default_limits).ready} | {s.worker.ident}
    assert len(names) >= 2
    sandbox.close()
    left = {(c.attrs.get("Names") or [""])[0].lstrip("/") for c in ours(sandbox.client, owner_id())}
    assert not names & left


CHILD = """
import sys, time
from sandbox import create_sandbox
sb = create_sandbox("docker", pool_size=2, warm=True)
print("ready", flush=True)
time.sleep(60)
"""


@contextlib.contextmanager
def _child(docker_sb: DockerSandbox) -> Iterator[subprocess.Popen[str]]:
    """A process holding two warm containers; killed at the end whatever happened (a
    child left running would fail the next test on its unclosed pipe)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert len(ours(docker_sb.client, owner_id(proc.pid))) == 2
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        proc.stdout.close()


def test_ctrl_c_leaves_no_container(docker_sb: DockerSandbox) -> None:
    with _child(docker_sb) as proc:
        owner = owner_id(proc.pid)
        proc.send_signal(signal.SIGINT)
        proc.wait(60)  # removing two containers on a busy Docker engine takes a while
    assert proc.returncode != 0  # KeyboardInterrupt, yet atexit cleaned up
    assert ours(docker_sb.client, owner) == []


def test_leftovers_of_a_killed_process_are_reaped(docker_sb: DockerSandbox) -> None:
    with _child(docker_sb) as proc:
        owner = owner_id(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert len(ours(docker_sb.client, owner)) == 2  # nobody cleaned up ...
    with docker_sb.session(Bundle.from_source("def f():\n    return 1\n")) as mine:
        reaped = reap(docker_sb.client)  # ... until a backend starts (it calls reap())
        assert len(reaped) >= 2 and ours(docker_sb.client, owner) == []
        assert mine.call("f", {}).value == 1, "the reaper must leave a live owner's alone"


def test_a_socket_root_made_by_someone_else_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_sb: DockerSandbox
) -> None:
    from sandbox import BackendUnavailableError
    from sandbox.docker import pool

    shared = tmp_path / "root"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setattr(pool, "SOCKET_ROOT", shared)
    with pytest.raises(BackendUnavailableError, match="not a private directory"):
        pool.DockerWorker(docker_sb.client, docker_sb.config, Limits())
