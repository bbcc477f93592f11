"""Sandboxes for the conformance tests: one per backend, shared by a module.

The docker one is created only for tests marked ``docker``; when the engine answers but
the image is missing it skips saying so (or fails under TOOLPROOF_REQUIRE_DOCKER=1).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from sandbox import BackendUnavailableError, Limits, Sandbox, create_sandbox

BACKENDS = [
    pytest.param("process", id="process"),
    pytest.param("docker", id="docker", marks=pytest.mark.docker),
]
FAST = Limits(wall_s=2.0)


def open_backend(
    name: str, *, restrict: bool = True, pool_size: int = 2, warm: bool = False
) -> Sandbox:
    try:
        return create_sandbox(name, restrict=restrict, pool_size=pool_size, limits=FAST, warm=warm)
    except BackendUnavailableError as exc:
        if os.environ.get("TOOLPROOF_REQUIRE_DOCKER") == "1":
            pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def opener() -> Callable[..., Sandbox]:
    """``open_backend`` itself, for tests that need a sandbox of their own."""
    return open_backend


@pytest.fixture(scope="module")
def opener_module() -> Callable[..., Sandbox]:
    return open_backend


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    sandbox = open_backend(request.param)
    yield sandbox
    sandbox.close()
