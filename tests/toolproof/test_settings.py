"""Settings: the dataset-shape limits come from TOOLPROOF_* and reach the readers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from toolproof.settings import Settings
from verifier import ReadLimits


def test_shape_limits_default_to_the_readers_defaults() -> None:
    assert Settings().read_limits == ReadLimits()


def test_shape_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLPROOF_MAX_DEPTH", "64")
    monkeypatch.setenv("TOOLPROOF_MAX_STRING_BYTES", "1024")
    monkeypatch.setenv("TOOLPROOF_MAX_RECORD_BYTES", "4096")
    monkeypatch.setenv("TOOLPROOF_MAX_DECOMPRESSED_BYTES", "1048576")
    monkeypatch.setenv("TOOLPROOF_MAX_GZIP_RATIO", "50")
    assert Settings().read_limits == ReadLimits(64, 1024, 4096, 1048576, 50.0)


@pytest.mark.parametrize("name", ["TOOLPROOF_MAX_DEPTH", "TOOLPROOF_MAX_RECORD_BYTES"])
def test_a_limit_must_be_positive(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "0")
    with pytest.raises(ValidationError):
        Settings()


def test_the_readme_documents_every_shape_limit() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in ReadLimits.__dataclass_fields__:
        assert f"TOOLPROOF_{field.upper()}" in readme
