"""The judge's API key is a secret: never in a repr, a log line or a settings dump."""

from __future__ import annotations

import pytest

from toolproof.settings import Settings


def test_the_judge_key_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLPROOF_JUDGE_API_KEY", "sk-very-secret")
    settings = Settings()
    assert "sk-very-secret" not in repr(settings)
    assert "sk-very-secret" not in str(settings.model_dump())
    assert settings.secret_judge_key == "sk-very-secret"
    assert Settings(judge_api_key=None).secret_judge_key is None
