"""Shared fixtures: paths to the bundled data, and the Docker gate.

Docker tests are marked ``docker``; they skip where no engine answers, unless
``TOOLPROOF_REQUIRE_DOCKER=1`` (CI), where a missing engine fails them instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


def _docker_available() -> str | None:
    """None when a Docker engine answers, else the reason it does not."""
    from sandbox import BackendUnavailableError
    from sandbox.docker.prereqs import docker_client

    try:
        docker_client(timeout=5).close()
    except BackendUnavailableError as exc:
        return str(exc)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("docker") for item in items):
        return
    reason = _docker_available()
    if reason is None:
        return
    if os.environ.get("TOOLPROOF_REQUIRE_DOCKER") == "1":
        for item in items:
            if item.get_closest_marker("docker"):
                item.add_marker(pytest.mark.usefixtures("_docker_required"))
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker("docker"):
            item.add_marker(skip)


@pytest.fixture
def _docker_required() -> None:
    reason = _docker_available()
    if reason is not None:
        pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {reason}")
