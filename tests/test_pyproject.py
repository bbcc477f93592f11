"""pyproject.toml installs without deprecation warnings from the build backend."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_expression_the_backend_supports() -> None:
    """A ``license = {text = ...}`` table makes setuptools warn at every install; the SPDX
    string (PEP 639) needs setuptools 77 or newer, so the build requirement says so."""
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    (setuptools,) = [r for r in PYPROJECT["build-system"]["requires"] if "setuptools" in r]
    found = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", setuptools)
    assert found is not None and int(found.group(1)) >= 77, setuptools
