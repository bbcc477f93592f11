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


def test_a_choice_outside_its_set_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("TOOLPROOF_LOG_LEVEL", "loud")
    with pytest.raises(ValidationError, match="log_level"):
        Settings()


def test_a_bad_setting_is_one_sentence_and_exit_2(tmp_path: object) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TOOLPROOF_LOG_LEVEL": "loud", "TOOLPROOF_MAX_DEPTH": "deep"}
    done = subprocess.run([sys.executable, "-m", "toolproof", "verify", "x.jsonl"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "TOOLPROOF_LOG_LEVEL" in done.stderr and "TOOLPROOF_MAX_DEPTH" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
