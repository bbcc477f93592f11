"""Settings reach the sandboxes through the composition module, not the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.process.isolation import probe
from toolproof.compose import layer_options, sandbox_options
from toolproof.settings import Settings


def test_the_image_and_the_state_directory_come_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOOLPROOF_SANDBOX_IMAGE", "mine:1")
    settings = Settings(home=tmp_path)
    assert sandbox_options(settings, "docker") == {"image": "mine:1"}
    assert sandbox_options(settings, "process") == {"hide": [str(tmp_path)]}
    assert layer_options(settings, sandbox="docker").sandbox_options == {"image": "mine:1"}
    iso = probe((str(tmp_path),))
    if iso.namespaces:  # only a mount namespace hides anything
        assert any(tmp_path.is_relative_to(h) for h in iso.hide)
