"""Journeys over real HTTP on loopback: verify, jobs, toolsets, tenants, limits, metrics."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.toolproof.live import live_server, new_key, service_settings
from toolproof.cli import app as cli
from toolproof.settings import Settings

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
     "parameters": {"type": "object", "properties": {"location": {"type": "string",
                    "description": "the city"}}, "required": ["location"]}}},
]  # fmt: skip


class Api:
    def __init__(self, url: str, settings: Settings) -> None:
        self.url, self.settings = url, settings
        self.a = httpx.Client(
            base_url=url, timeout=60, headers={"Authorization": f"Bearer {new_key(settings, 'a')}"}
        )
        self.b = httpx.Client(
            base_url=url, timeout=60, headers={"Authorization": f"Bearer {new_key(settings, 'b')}"}
        )
        self.anon = httpx.Client(base_url=url, timeout=60)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp("svc")
    settings = service_settings(
        home, max_body_bytes=4 << 20, max_upload_bytes=16 << 20, max_tools=4
    )
    with live_server(settings) as url:
        api = Api(url, settings)
        yield api
        for c in (api.a, api.b, api.anon):
            c.close()


def is_problem(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and "detail" in body
    assert body["request_id"] == r.headers["x-request-id"]
    if code is not None:
        assert body["code"] == code, body
    return body


def cli_results(path: Path, out: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(cli, ["verify", str(path), "--out", str(out), "-q", *extra])
    lines = out.read_text().splitlines() if out.exists() else []
    return result.exit_code, [json.loads(line) for line in lines]


def raw_post(api: Api, path: str, length: int, body: bytes) -> tuple[bytes, bytes, bytes]:
    """A request whose Content-Length says ``length`` whatever it sends (httpx refuses)."""
    host, port = api.url.removeprefix("http://").split(":")
    key = api.a.headers["authorization"]
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n".encode()
            + body
        )
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, sep, rest = reply.partition(b"\r\n\r\n")
    return head, sep, rest


def wait_done(client: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.mark.parametrize("name", ["toolace_sharegpt_100.json", "glaive_toolcall_en_demo.json"])
def test_verify_gives_the_cli_verdicts(
    api: Api, examples_dir: Path, tmp_path: Path, name: str
) -> None:
    path = examples_dir / name
    code, expected = cli_results(path, tmp_path / "cli.jsonl")
    assert code == 0 and expected
    records = json.loads(path.read_text())
    r = api.a.post("/v1/verify", json={"samples": records, "format": "auto"})
    assert r.status_code == 200, r.text
    assert r.json()["results"] == expected


def test_job_streams_every_result_once_in_order(
    api: Api, examples_dir: Path, tmp_path: Path
) -> None:
    path = examples_dir / "toolace_sharegpt_100.json"
    records = json.loads(path.read_text()) * 5
    data = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    (tmp_path / "d.jsonl.gz").write_bytes(data)
    _, expected = cli_results(tmp_path / "d.jsonl.gz", tmp_path / "cli.jsonl")
    r = api.a.post(
        "/v1/jobs",
        params={"format": "auto", "layers": "rules"},
        content=data,
        headers={"Content-Type": "application/gzip"},
    )
    assert r.status_code == 202 and r.json()["status"] == "queued"
    job_id = r.json()["id"]
    with api.a.stream("GET", f"/v1/jobs/{job_id}/results") as stream:  # while it runs
        assert stream.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in stream.iter_lines() if line]
    assert [x["index"] for x in lines] == list(range(len(records)))
    assert lines == expected
    job = wait_done(api.a, job_id)
    passed = sum(x["verdict"] == "pass" for x in expected)
    assert (job["done"], job["total"], job["passed"]) == (len(records), len(records), passed)
    assert job["pass_rate"] == pytest.approx(passed / len(records))


def test_cancel_keeps_committed_results(api: Api, examples_dir: Path) -> None:
    records = json.loads((examples_dir / "toolace_sharegpt_100.json").read_text()) * 10
    body = gzip.compress(json.dumps(records).encode())
    job_id = api.a.post(
        "/v1/jobs", content=body, headers={"Content-Type": "application/gzip"}
    ).json()["id"]
    r = api.a.delete(f"/v1/jobs/{job_id}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    job = wait_done(api.a, job_id)
    assert job["status"] == "cancelled"
    lines = api.a.get(f"/v1/jobs/{job_id}/results").text.splitlines()
    assert [json.loads(x)["index"] for x in lines] == list(range(job["done"]))


def test_a_job_with_no_sample_fails_saying_why(api: Api) -> None:
    """As ``verify --fail-under``: zero verified samples is a failed gate, not 100 %."""
    r = api.a.post(
        "/v1/jobs",
        params={"format": "openai"},
        content=b"[]",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 202, r.text
    job = wait_done(api.a, r.json()["id"])
    assert (job["status"], job["done"], job["pass_rate"]) == ("failed", 0, None)
    assert "no sample was verified" in job["error"]


def test_tenants_see_only_their_own(api: Api) -> None:
    body = b'[{"conversations": []}]'
    job_id = api.a.post(
        "/v1/jobs", content=body, headers={"Content-Type": "application/json"}
    ).json()["id"]
    absent = "0" * 32
    for method, path in (
        ("GET", "/v1/jobs/{}"),
        ("DELETE", "/v1/jobs/{}"),
        ("GET", "/v1/jobs/{}/results"),
    ):
        theirs = api.b.request(method, path.format(job_id))
        missing = api.b.request(method, path.format(absent))
        a_body = is_problem(theirs, 404, "not_found")
        m_body = is_problem(missing, 404, "not_found")
        assert a_body["detail"].replace(job_id, absent) == m_body["detail"]
    assert job_id not in api.b.get("/v1/jobs").text
    assert job_id in api.a.get("/v1/jobs").text
    assert api.a.get(f"/v1/jobs/{job_id}").status_code == 200
    toolset = api.a.post("/v1/toolsets", json={"tools": TOOLS}).json()["id"]
    call = {"tool": "get_weather", "arguments": {"location": "Oslo"}}
    is_problem(api.b.post(f"/v1/toolsets/{toolset}/calls", json=call), 404, "not_found")


def test_auth(api: Api) -> None:
    r = api.anon.get("/v1/jobs")
    assert is_problem(r, 401, "auth.invalid") and r.headers["www-authenticate"] == "Bearer"
    is_problem(api.anon.get("/v1/jobs", headers={"Authorization": "Bearer nope"}), 401)
    is_problem(api.anon.get("/v1/jobs", headers={"Authorization": "Basic eDp5"}), 401)
    is_problem(api.anon.post("/v1/verify", json={"samples": [{}]}), 401)


def test_toolsets_and_calls(api: Api) -> None:
    r = api.a.post("/v1/toolsets", json={"tools": TOOLS})
    assert r.status_code == 201, r.text
    created = r.json()
    assert [t["name"] for t in created["tools"]] == ["get_weather"] and created["errors"] == []
    url = f"/v1/toolsets/{created['id']}/calls"
    ok = api.a.post(url, json={"tool": "get_weather", "arguments": {"location": "Oslo"}})
    assert ok.status_code == 200 and "result" in ok.json()
    bad = api.a.post(url, json={"tool": "get_weather", "arguments": {}})
    assert bad.status_code == 422
    assert bad.json()["findings"][0]["code"] == "call.missing_required"
    unknown = api.a.post(url, json={"tool": "nope", "arguments": {}})
    assert unknown.json()["findings"][0]["code"] == "call.unknown_tool"
    is_problem(api.a.post("/v1/toolsets", json={"tools": [{"x": 1}]}), 422, "spec.invalid")
    is_problem(api.a.post("/v1/toolsets", json={"tools": TOOLS * 5}), 422, "request.invalid")


def test_bad_input_is_a_clear_problem(api: Api) -> None:
    a = api.a
    is_problem(
        a.post("/v1/verify", content=b"{}", headers={"Content-Type": "text/plain"}),
        415,
        "request.media_type",
    )
    is_problem(
        a.post(
            "/v1/verify", content=b'{"samples": [', headers={"Content-Type": "application/json"}
        ),
        422,
        "request.invalid",
    )
    is_problem(a.post("/v1/verify", json={"samples": [{}] * 501}), 422, "request.invalid")
    is_problem(
        a.post("/v1/verify", json={"samples": [{}], "layers": ["magic"]}), 400, "config.invalid"
    )
    is_problem(
        a.post("/v1/verify", json={"samples": [{}], "format": "nope"}),
        422,
        "dataset.unknown_format",
    )
    head, _, body = raw_post(api, "/v1/jobs", 1 << 30, b"[]")  # claims a gigabyte
    assert head.startswith(b"HTTP/1.1 413") and json.loads(body)["code"] == "request.too_large"

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(16 << 10):
            yield b"{}," * 400

    r = a.post("/v1/jobs", content=chunks(), headers={"Content-Type": "application/json"})
    is_problem(r, 413, "request.too_large")
    is_problem(a.post("/v1/jobs", content=b"hello", headers={"Content-Type": "text/csv"}), 415)
    is_problem(
        a.post("/v1/jobs", content=b"hello", headers={"Content-Type": "application/json"}),
        422,
        "request.invalid",
    )
    is_problem(a.post("/v1/jobs", content=b"", headers={"Content-Type": "application/json"}), 422)
    is_problem(
        a.post("/v1/jobs?layers=x", content=b"[]", headers={"Content-Type": "application/json"}),
        400,
    )
    is_problem(a.get("/v1/jobs/does-not-exist"), 404, "not_found")
    is_problem(a.get("/v1/nothing-here"), 404)
    is_problem(a.put("/v1/verify"), 405)
    uploads = list((api.settings.home / "uploads").glob("*.part"))
    assert uploads == []  # refused uploads leave nothing behind


def test_truncated_gzip_upload_still_gives_one_line_per_readable_record(
    api: Api, examples_dir: Path
) -> None:
    records = json.loads((examples_dir / "toolace_sharegpt_100.json").read_text())
    data = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    r = api.a.post(
        "/v1/jobs", content=data[: len(data) // 2], headers={"Content-Type": "application/gzip"}
    )
    job = wait_done(api.a, r.json()["id"])
    assert job["status"] in ("done", "failed")
    lines = api.a.get(f"/v1/jobs/{job['id']}/results").text.splitlines()
    assert [json.loads(x)["index"] for x in lines] == list(range(job["done"]))


def test_health_metrics_and_request_ids(api: Api) -> None:
    assert api.anon.get("/healthz").json()["ok"] is True
    ready = api.anon.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["store"] == "ok"
    r = api.anon.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert r.headers["x-request-id"] == "trace-123"
    api.a.post("/v1/verify", json={"samples": [{"conversations": []}]})
    text = api.anon.get("/metrics").text
    for name in (
        "toolproof_http_requests_total",
        "toolproof_http_request_duration_seconds",
        'toolproof_jobs{status="done"}',
        "toolproof_job_samples_per_second",
        "toolproof_samples_verified_total",
        "toolproof_sandbox_workers",
        "toolproof_judge_calls_total",
        "toolproof_judge_cache_hits_total",
    ):
        assert name in text, name
    assert 'route="/v1/verify"' in text


def test_slow_verification_times_out_as_a_problem(tmp_path: Path, examples_dir: Path) -> None:
    settings = service_settings(tmp_path, request_timeout_s=0.001)
    records = json.loads((examples_dir / "toolace_sharegpt_100.json").read_text())[:3]
    with live_server(settings) as url:
        key = new_key(settings, "slow")
        r = httpx.post(
            f"{url}/v1/verify",
            json={"samples": records, "layers": ["rules", "exec"]},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
        is_problem(r, 504, "request.timeout")
        fast = httpx.post(
            f"{url}/v1/verify",
            json={"samples": records},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
        assert fast.status_code == 200  # rules alone answer at once


def test_two_authorization_headers_are_refused_not_guessed(api: Api) -> None:
    key_a, key_b = api.a.headers["authorization"], api.b.headers["authorization"]
    for first, second in ((key_a, key_b), (key_a, key_a), ("Bearer nope", key_a)):
        headers = [("Authorization", first), ("Authorization", second)]
        body = is_problem(api.anon.get("/v1/jobs", headers=headers), 401, "auth.invalid")
        assert "more than one" in body["detail"]
        verify = api.anon.post("/v1/verify", json={"samples": [{}]}, headers=headers)
        assert "more than one" in is_problem(verify, 401, "auth.invalid")["detail"]


def test_an_id_with_a_suffix_names_no_job_or_toolset(api: Api) -> None:
    job_id = api.a.post(
        "/v1/jobs", content=b'[{"conversations": []}]', headers={"Content-Type": "application/json"}
    ).json()["id"]
    assert api.a.get(f"/v1/jobs/{job_id}").status_code == 200
    for method, path in (("GET", "/v1/jobs/{}junk"), ("DELETE", "/v1/jobs/{}junk"),
                         ("GET", "/v1/jobs/{}junk/results")):  # fmt: skip
        is_problem(api.a.request(method, path.format(job_id)), 404, "not_found")
    toolset = api.a.post("/v1/toolsets", json={"tools": TOOLS}).json()["id"]
    call = {"tool": "get_weather", "arguments": {"location": "Oslo"}}
    assert api.a.post(f"/v1/toolsets/{toolset}/calls", json=call).status_code == 200
    is_problem(api.a.post(f"/v1/toolsets/{toolset}x/calls", json=call), 404, "not_found")


def test_the_http_parser_refuses_at_once_and_closes(api: Api) -> None:
    """A request uvicorn's parser cannot read never reaches the app: uvicorn answers its
    own 400 (text/plain; no public uvicorn seam shapes that answer) and closes the
    connection, at once."""
    host, port = api.url.removeprefix("http://").split(":")
    for request in (b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", b"\x00\x01 nonsense\r\n\r\n"):
        started = time.perf_counter()
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(request)
            reply = b""
            while chunk := s.recv(65536):  # until the server closes the connection
                reply += chunk
        head = reply.partition(b"\r\n\r\n")[0].lower()
        assert head.startswith(b"http/1.1 400"), reply
        assert b"connection: close" in head
        assert time.perf_counter() - started < 5
