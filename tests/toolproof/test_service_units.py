"""Units of the service: the error → status table, the per-tenant limit, keys CLI errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.toolproof.live import service_settings
from toolproof.cli import app
from toolproof.service import InvalidRequest, NotFound, TenantBusy, Unauthorized
from toolproof.service._problems import AllowedMethods, status_of
from toolproof.service._state import ServiceState
from toolproof.service._wire import layers_of
from toolproof.store import Store, StoreUnavailable
from toolspec.errors import (
    CompileError,
    ConfigError,
    DatasetError,
    JudgeError,
    SandboxError,
    SpecError,
    ToolproofError,
    UnknownFormatError,
)


@pytest.mark.parametrize(("error", "status"), [
    (StoreUnavailable("down"), 503), (SandboxError("x"), 503), (JudgeError("x"), 502),
    (UnknownFormatError("x"), 422), (DatasetError("x"), 422), (SpecError("x"), 422),
    (CompileError("x"), 422), (ConfigError("x"), 400), (Unauthorized("x"), 401),
    (NotFound("x"), 404), (TenantBusy("x"), 429), (ToolproofError("x"), 500),
])  # fmt: skip
def test_status_of(error: ToolproofError, status: int) -> None:
    assert status_of(error) == status


def test_tenant_inflight_limit(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, tenant_max_inflight=2)
    state = ServiceState(settings, Store(settings.resolved_database_url), workers=0)
    try:
        state.enter("a")
        state.enter("a")
        with pytest.raises(TenantBusy):
            state.enter("a")
        state.enter("b")  # another tenant is not held up
        state.leave("a")
        state.enter("a")
    finally:
        state.close()


def test_keys_create_refuses_a_bad_tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolproof.settings import get_settings

    monkeypatch.setenv("TOOLPROOF_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["keys", "create", "--tenant", "two words"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "tenant" in result.output


def test_an_unexpected_error_is_a_problem_with_the_request_id(tmp_path: Path) -> None:
    """toolproof's middleware sits inside FastAPI's error middleware: a 500 still comes
    as problem+json, is counted, and carries the request id both ways."""
    import asyncio

    import httpx

    from toolproof.service import create_app

    app = create_app(service_settings(tmp_path), workers=0)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    async def call() -> tuple[httpx.Response, str]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.get("/boom", headers={"X-Request-ID": "bug-1"})
            metrics = (await client.get("/metrics")).text
        return r, metrics

    try:
        r, metrics = asyncio.run(call())
    finally:
        app.state.service.close()  # no lifespan ran: close the store here
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["x-request-id"] == "bug-1"
    body = r.json()
    assert body["request_id"] == "bug-1" and "a bug" not in r.text and "Traceback" not in r.text
    # /boom joined after create_app, so it is not among the route labels
    counted = 'toolproof_http_requests_total{method="GET",route="unmatched",status="500"} 1.0'
    assert counted in metrics


@pytest.mark.parametrize(
    ("names", "layers"),
    [(["rules"], ("rules",)), (["judge", "rules"], ("rules", "judge")),
     (["rules", "rules"], ("rules",)), (["exec", "judge", "rules"], ("rules", "exec", "judge"))],
)  # fmt: skip
def test_layers_are_the_documented_names(names: list[str], layers: tuple[str, ...]) -> None:
    assert layers_of(names) == layers


@pytest.mark.parametrize("names", [[" rules"], ["rules", ""], [""], ["Rules"], ["magic"]])
def test_other_layer_names_are_refused(names: list[str]) -> None:
    """``parse_layers`` (the CLI's) takes spaces and empty items; the API takes what its
    document lists, so that the document is exact."""
    with pytest.raises(ConfigError, match="known layers: rules, exec, judge"):
        layers_of(names)


def test_405_allows_the_methods_of_every_route_on_the_path() -> None:
    job, results = "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results"
    allow = AllowedMethods([(job, {"GET"}), (job, {"DELETE"}), (results, {"GET"})])
    assert allow("/v1/jobs/abc", {"Allow": "GET"}) == "DELETE, GET"
    assert allow("/v1/jobs/abc/results", {}) == "GET"
    assert allow("/docs", {"Allow": "GET, HEAD"}) == "GET, HEAD"  # not ours: Starlette's


@pytest.mark.parametrize(
    ("chunks", "content_type", "status"),
    [
        ([b"  \n", b'{"a": 1}\n'], "application/x-ndjson", None),
        ([b"\xef\xbb\xbf", b"[]"], "application/json", None),
        ([b"\x1f\x8b\x08rest"], "application/gzip", None),
        ([b"\x1f\x8b\x08rest"], "application/octet-stream", None),
        ([b"  \n", b"hello"], "application/x-ndjson", 422),  # the same, whatever the chunks
        ([b"  \nhello"], "application/x-ndjson", 422),
        ([b"\x1f\x8b\x08rest"], "application/json", 422),  # gzip is not JSON
        ([b" ", b"\n"], "application/json", 422),  # white space only: empty
        ([], "application/json", 422),
    ],
)
def test_an_upload_must_start_as_a_dataset(
    tmp_path: Path, chunks: list[bytes], content_type: str, status: int | None
) -> None:
    import asyncio

    from starlette.requests import Request

    from toolproof.service._body import save_upload

    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/v1/jobs",
             "headers": [(b"content-type", content_type.encode())]}  # fmt: skip
    target = tmp_path / "upload.data"
    if status is None:
        assert asyncio.run(save_upload(Request(scope, receive), target, 5)) > 0
        assert target.exists()
    else:
        with pytest.raises(InvalidRequest):
            asyncio.run(save_upload(Request(scope, receive), target, 5))
        assert not target.exists() and not list(tmp_path.iterdir())
