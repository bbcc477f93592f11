"""The fast lane of ``POST /v1/verify`` over real HTTP: it answers the common case as the
route would, and hands everything else (every error) to the route."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_service_api import TOOLS, is_problem
from tests.toolproof.live import live_server, new_key, service_settings
from toolproof.service._verify_lane import VerifyLane

SAMPLE = {
    "messages": [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
         "function": {"name": "get_weather", "arguments": '{"location": "Oslo"}'}}]},
        {"role": "tool", "tool_call_id": "c1", "content": '{"temp_c": 3}'},
        {"role": "assistant", "content": "3 degrees in Oslo."},
    ],
    "tools": TOOLS,
}  # fmt: skip
NO_SUCH_TOOL = {"id": "c1", "type": "function", "function": {"name": "nope", "arguments": "{}"}}
CALLS_NO_SUCH_TOOL = {"role": "assistant", "tool_calls": [NO_SUCH_TOOL]}
BAD_CALL = {**SAMPLE, "messages": [SAMPLE["messages"][0], CALLS_NO_SUCH_TOOL]}


class Lane:
    """Counts what the lane answered itself (a body) and what it handed on (None)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answered = self.declined = 0
        original = VerifyLane._verify

        def spy(lane: VerifyLane, tenant: str, body: bytes) -> bytes | None:
            payload = original(lane, tenant, body)
            if payload is None:
                self.declined += 1
            else:
                self.answered += 1
            return payload

        monkeypatch.setattr(VerifyLane, "_verify", spy)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, str]]:
    settings = service_settings(tmp_path, max_verify_samples=3, max_body_bytes=64 << 10)
    key = new_key(settings, "a")
    with live_server(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client, url


def test_the_lane_answers_as_the_route_does(
    served: tuple[httpx.Client, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = served
    lane = Lane(monkeypatch)
    body = {"samples": [SAMPLE, BAD_CALL], "format": "auto", "layers": ["rules"]}
    first = client.post("/v1/verify", json=body)  # the key is not cached yet: the route
    assert lane.answered == 0
    second = client.post("/v1/verify", json=body)  # now the lane
    assert lane.answered == 1
    for r in (first, second):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        assert int(r.headers["content-length"]) == len(r.content)
    assert first.json() == second.json()
    verdicts = [res["verdict"] for res in second.json()["results"]]
    assert verdicts == ["pass", "fail"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert (
        client.post("/v1/verify", json=body, headers={"X-Request-ID": "mine-1"}).headers[
            "x-request-id"
        ]
        == "mine-1"
    )
    metrics = client.get("/metrics").text
    counted = re.search(
        r'toolproof_http_requests_total\{method="POST",route="/v1/verify",status="200"\} (\S+)',
        metrics,
    )
    assert counted and float(counted.group(1)) == 3.0
    assert 'toolproof_samples_verified_total{source="sync"} 6.0' in metrics


def test_the_route_answers_what_the_lane_declines(
    served: tuple[httpx.Client, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = served
    client.post("/v1/verify", json={"samples": [SAMPLE]})  # caches the key
    lane = Lane(monkeypatch)
    is_problem(client.post("/v1/verify", content=b'{"samples": [', headers={
        "Content-Type": "application/json"}), 422, "request.invalid")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE] * 4}), 422, "request.invalid")
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE], "layers": ["magic"]}), 400,
               "config.invalid")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE], "format": "nope"}), 422,
               "dataset.unknown_format")  # fmt: skip
    assert lane.declined == 4 and lane.answered == 0
    # not even read by the lane: another media type, a key it has not seen, no key
    is_problem(client.post("/v1/verify", content=b"{}", headers={"Content-Type": "text/plain"}),
               415, "request.media_type")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE]},
                           headers={"Authorization": "Bearer tp_not_a_key"}), 401)  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE]},
                           headers={"Authorization": ""}), 401)  # fmt: skip
    assert lane.declined == 4 and lane.answered == 0


def test_a_chunked_body_over_the_limit_is_refused_through_the_lane(
    served: tuple[httpx.Client, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Content-Length: the body limit trips while the lane reads, and the route's
    problem answer comes out (the lane replays what it read, then the same error)."""
    client, url = served
    client.post("/v1/verify", json={"samples": [SAMPLE]})  # caches the key
    lane = Lane(monkeypatch)
    key = client.headers["Authorization"]
    host, port = url.removeprefix("http://").split(":")
    chunk = b"x" * 8192
    head = (
        f"POST /v1/verify HTTP/1.1\r\nHost: {host}\r\nAuthorization: {key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        try:
            for _ in range(16):  # 128 KiB against a 64 KiB limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server may answer and close before the end
            pass
        reply = _read_response(sock)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"application/problem+json" in reply and b"request.too_large" in reply
    assert lane.answered == 0


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or not _complete(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"content-length: (\d+)", head, re.IGNORECASE)
    return match is not None and len(body) >= int(match.group(1))


def test_unknown_methods_share_one_metrics_label(served: tuple[httpx.Client, str]) -> None:
    """Methods beyond the usual ones (a client picks them) share the label "other"."""
    client, _ = served
    for method in ("PROPFIND", "MKCOL", "PROPFIND"):
        assert client.request(method, "/v1/verify").status_code == 405
    metrics = client.get("/metrics").text
    assert 'method="PROPFIND"' not in metrics
    other = re.search(
        r'toolproof_http_requests_total\{method="other",route="[^"]*",status="405"\} (\S+)',
        metrics,
    )
    assert other and float(other.group(1)) == 3.0
