"""Shared fixtures: paths to the bundled data, and the Docker and Ray gates.

Docker tests are marked ``docker``; they skip where no engine answers, unless
``TOOLPROOF_REQUIRE_DOCKER=1`` (CI), where a missing engine fails them instead. Ray
tests are marked ``ray``; they skip where the ``ray`` extra is not installed, unless
``TOOLPROOF_REQUIRE_RAY=1``.
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


def _ray_available() -> str | None:
    """None when Ray imports, else why not."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        return "Ray is not installed (pip install 'toolproof[ray]')"
    return None


#: marker → (what says why it cannot run, the variable that makes that a failure)
GATES = {
    "docker": (_docker_available, "TOOLPROOF_REQUIRE_DOCKER"),
    "ray": (_ray_available, "TOOLPROOF_REQUIRE_RAY"),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for marker, (available, required) in GATES.items():
        gated = [item for item in items if item.get_closest_marker(marker)]
        reason = available() if gated else None
        if reason is None:
            continue
        if os.environ.get(required) == "1":
            fail = pytest.mark.usefixtures(f"_{marker}_required")
            for item in gated:
                item.add_marker(fail)
            continue
        for item in gated:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _docker_required() -> None:
    reason = _docker_available()
    if reason is not None:
        pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {reason}")


@pytest.fixture
def _ray_required() -> None:
    reason = _ray_available()
    if reason is not None:
        pytest.fail(f"TOOLPROOF_REQUIRE_RAY=1 but {reason}")


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
