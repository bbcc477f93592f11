"""``make test``'s docker set-up builds both images, so the service image test runs too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    proc = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_test_builds_both_images_before_the_tests() -> None:
    recipe = dry_run("test")
    for step in ("docker-bootstrap.sh", "build-image.sh", "build-service-image.sh"):
        assert f"images/{step}" in recipe
    assert recipe.index("images/build-service-image.sh") < recipe.index("bin/pytest")


def test_make_service_image_is_the_cached_script() -> None:
    assert "images/build-service-image.sh" in dry_run("service-image")
