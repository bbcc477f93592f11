"""Docker workers: one hardened container each, reached over a bind-mounted Unix socket."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
import time
import uuid
from typing import Any

from sandbox._channel import Channel
from sandbox._errors import BackendUnavailableError
from sandbox._limits import Limits
from sandbox.docker.config import SOCKET_ROOT, START_TIMEOUT_S, DockerConfig

POLL_S = 0.002
"""How often a starting worker's socket is looked for: every 2 ms."""


def _private_root() -> None:
    """Create the socket root, refusing one that someone else made first (it is in /tmp)."""
    SOCKET_ROOT.mkdir(mode=0o700, exist_ok=True)
    info = SOCKET_ROOT.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise BackendUnavailableError(
            f"{SOCKET_ROOT} is not a private directory of this user; remove it and retry"
        )


class DockerWorker:
    """A started container whose runner accepted our connection."""

    def __init__(self, client: Any, config: DockerConfig, limits: Limits) -> None:
        self.client = client
        self.ident = f"toolproof-sbx-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        _private_root()
        self.socket_dir = SOCKET_ROOT / self.ident.removeprefix("toolproof-sbx-")
        self.socket_dir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            uid, gid = (int(x) for x in config.user.split(":"))
            os.chown(self.socket_dir, uid, gid)
        self.container: Any = None
        try:
            self.container = client.containers.run(
                **config.run_kwargs(limits, self.socket_dir, self.ident)
            )
            self.channel = Channel(self._connect(), max_frame=limits.output_bytes + (1 << 20))
        except BackendUnavailableError:
            self.kill()
            raise
        except Exception as exc:
            self.kill()
            raise BackendUnavailableError(f"a sandbox container failed to start: {exc}") from None

    def _connect(self) -> socket.socket:
        path = self.socket_dir / "runner.sock"
        deadline = time.monotonic() + START_TIMEOUT_S
        checked = time.monotonic()
        while not path.exists():
            if time.monotonic() > deadline:
                raise BackendUnavailableError(f"container {self.ident} did not open its socket")
            if time.monotonic() - checked > 0.5:  # a container that exited will never answer
                checked = time.monotonic()
                self.container.reload()
                if self.container.status not in ("created", "running"):
                    logs = self.container.logs(tail=20).decode(errors="replace")
                    raise BackendUnavailableError(f"container {self.ident} exited: {logs}")
            time.sleep(POLL_S)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        return sock

    def kill(self) -> None:
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        if self.container is not None:
            with contextlib.suppress(Exception):  # already gone: the reaper, a concurrent kill
                self.container.remove(force=True)
            self.container = None
        shutil.rmtree(self.socket_dir, ignore_errors=True)
