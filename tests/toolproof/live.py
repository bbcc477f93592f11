"""Test helpers: the service on a loopback port (in a thread or as a process), a key.

Imported by tests/toolproof and tests/e2e; every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from toolproof.service import create_app
from toolproof.settings import Settings
from toolproof.store import Store

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of a ``toolproof serve`` child: its own home, SQLite, ``settings``
    as ``TOOLPROOF_<NAME>`` variables."""
    env = {**os.environ, "TOOLPROOF_HOME": str(home)}
    env.pop("TOOLPROOF_DATABASE_URL", None)
    env.update({f"TOOLPROOF_{name.upper()}": value for name, value in settings.items()})
    return env


def cli_key(env: dict[str, str], tenant: str) -> str:
    """A key made as a user makes one, ``toolproof keys create`` (it prints the key alone)."""
    command = [sys.executable, "-m", "toolproof", "keys", "create", "--tenant", tenant]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert out.startswith("tp_") and out.count("\n") == 1, out
    return out.strip()


def repeated_records(source: Path, copies: int, out: Path) -> Path:
    """``copies`` of a JSON array of records as JSONL, each with an id of its own."""
    records = json.loads(source.read_text())
    with out.open("wb") as handle:
        for n in range(copies):
            for r in records:
                handle.write(json.dumps({**r, "id": f"{n}-{r.get('id', '')}"}).encode() + b"\n")
    return out


def service_settings(home: Path, **overrides: object) -> Settings:
    """Settings of a test service: state under ``home``, small limits where asked."""
    values: dict[str, object] = {"home": home, "max_verify_samples": 500, **overrides}
    return Settings.model_validate(values)


def new_key(settings: Settings, tenant: str) -> str:
    store = Store(settings.resolved_database_url)
    try:
        store.migrate()
        return store.create_key(tenant)
    finally:
        store.close()


@contextmanager
def uvicorn_thread(app: Any, **config: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def live_server(settings: Settings, *, workers: int = 1) -> Iterator[str]:
    """The service in a thread, over the HTTP protocol ``toolproof serve`` runs."""
    app = create_app(settings, workers=workers)
    with uvicorn_thread(app, ws="none", lifespan="on", http="httptools") as url:
        yield url


class ServerProcess:
    """``toolproof serve`` as a child process (so that a test can kill -9 it)."""

    def __init__(self, env: dict[str, str], log: Path, prefix: tuple[str, ...] = ()) -> None:
        self.env, self.log, self.prefix = env, log, prefix  # prefix: e.g. prlimit's
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*self.prefix, sys.executable, "-m", "toolproof", "serve", "--port", str(self.port)],
            env=self.env, stdout=out, stderr=out, cwd=ROOT,
        )  # fmt: skip
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a crash."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
