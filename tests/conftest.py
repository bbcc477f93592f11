"""Shared fixtures: paths to the bundled data, and the Docker gate.

Docker tests are marked ``docker``; they skip where no engine answers, unless
``TOOLPROOF_REQUIRE_DOCKER=1`` (CI), where a missing engine fails them instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def cache_dir() -> Path:
    """Where downloaded wheels and BFCL's fetched backends are kept between test runs:
    ``$TOOLPROOF_TEST_CACHE``, default ``~/.cache/toolproof-tests``. The multi-turn tests
    need the pinned ``bfcl-eval`` and ``mpmath`` wheels: pip downloads them once, and the
    suite runs without network where this cache is filled (else those tests skip)."""
    default = Path.home() / ".cache" / "toolproof-tests"
    return Path(os.environ.get("TOOLPROOF_TEST_CACHE") or default)


@pytest.fixture(scope="session")
def bfcl_backends() -> Any:
    from verifier.bfcl import BackendsError, fetch_backends, load_backends

    home = cache_dir()
    try:
        return load_backends(fetch_backends(home))
    except BackendsError as exc:
        pytest.skip(f"BFCL's backends are not cached in {home} and cannot be fetched: {exc}")


@pytest.fixture(scope="session")
def mt_runner(bfcl_backends: Any) -> Iterator[Any]:
    from verifier.bfcl import MultiTurnRunner

    with MultiTurnRunner(bfcl_backends, workers=2) as runner:
        yield runner
