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
