"""``POST /v1/verify`` over real HTTP, through the middleware ``toolproof serve`` runs:
answers, request ids and metrics, its errors as problem+json, a chunked body over the
limit, and methods beyond the usual ones."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_service_api import TOOLS, is_problem
from tests.toolproof.live import live_server, new_key, service_settings

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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, str]]:
    settings = service_settings(tmp_path, max_verify_samples=3, max_body_bytes=64 << 10)
    key = new_key(settings, "a")
    with live_server(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client, url


def test_verify_answers_with_request_ids_and_metrics(served: tuple[httpx.Client, str]) -> None:
    client, _ = served
    body = {"samples": [SAMPLE, BAD_CALL], "format": "auto", "layers": ["rules"]}
    first = client.post("/v1/verify", json=body)  # the key is looked up in the store
    second = client.post("/v1/verify", json=body)  # now it is cached
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


def test_verify_errors_are_problems(served: tuple[httpx.Client, str]) -> None:
    client, _ = served
    is_problem(client.post("/v1/verify", content=b'{"samples": [', headers={
        "Content-Type": "application/json"}), 422, "request.invalid")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE] * 4}), 422, "request.invalid")
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE], "layers": ["magic"]}), 400,
               "config.invalid")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE], "format": "nope"}), 422,
               "dataset.unknown_format")  # fmt: skip
    is_problem(client.post("/v1/verify", content=b"{}", headers={"Content-Type": "text/plain"}),
               415, "request.media_type")  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE]},
                           headers={"Authorization": "Bearer tp_not_a_key"}), 401)  # fmt: skip
    is_problem(client.post("/v1/verify", json={"samples": [SAMPLE]},
                           headers={"Authorization": ""}), 401)  # fmt: skip


def test_a_chunked_body_over_the_limit_is_refused(served: tuple[httpx.Client, str]) -> None:
    """No Content-Length: the body limit trips while the route reads the body, and its
    problem answer comes out."""
    client, url = served
    client.post("/v1/verify", json={"samples": [SAMPLE]})  # caches the key
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
