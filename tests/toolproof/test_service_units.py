"""Units of the service: the error → status table, the per-tenant limit, keys CLI errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.errors import (
    CompileError,
    ConfigError,
    DatasetError,
    JudgeError,
    SandboxError,
    SpecError,
    ToolproofError,
    UnknownFormatError,
)
from tests.toolproof.live import service_settings
from toolproof.cli import app
from toolproof.service import NotFound, TenantBusy, Unauthorized
from toolproof.service._problems import status_of
from toolproof.service._state import ServiceState
from toolproof.store import Store, StoreUnavailable


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
    """toolproof's middleware sits outside FastAPI's error middleware (``ServiceAPI``): a
    500 still comes as problem+json, is counted, and carries the request id both ways."""
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
