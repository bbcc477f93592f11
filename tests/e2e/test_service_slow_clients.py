"""Slow clients: a body that stops arriving is refused with 408 after the idle timeout,
on the verify lane, the FastAPI routes and uploads alike, while others are served."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.toolproof.live import live_server, new_key, service_settings


def _trickle(url: str, key: str, path: str, content_type: str) -> tuple[float, bytes]:
    """Send headers promising 1,000 bytes and only 10 of them; the reply and its delay."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"samples"'
        )
        reply = s.recv(65536)
    return time.monotonic() - started, reply


def test_a_silent_body_is_refused_and_others_are_served(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, body_idle_timeout_s=1.0)
    key = new_key(settings, "a")
    with live_server(settings) as url:
        targets = [("/v1/verify", "application/json"), ("/v1/toolsets", "application/json"),
                   ("/v1/jobs", "application/x-ndjson")] * 20  # fmt: skip
        with ThreadPoolExecutor(len(targets)) as pool:
            slow = [pool.submit(_trickle, url, key, path, ct) for path, ct in targets]
            time.sleep(0.3)
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
            for future in slow:
                took, reply = future.result()
                head, _, body = reply.partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 408"), reply[:300]
                assert b"application/problem+json" in head
                assert json.loads(body)["code"] == "request.body_timeout"
                assert 0.9 < took < 5
