"""One sandbox per (backend, restrict) pair, shared by the whole escape suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sandbox import BackendUnavailableError, Limits, Sandbox, create_sandbox

LIMITS = Limits(wall_s=1.5, memory_bytes=128 * 1024 * 1024, stdout_tail=1000)
COMBOS = [
    pytest.param(("process", True), id="process-restricted"),
    pytest.param(("process", False), id="process-unrestricted"),
    pytest.param(("docker", True), id="docker-restricted", marks=pytest.mark.docker),
    pytest.param(("docker", False), id="docker-unrestricted", marks=pytest.mark.docker),
]


@pytest.fixture(scope="module", params=COMBOS)
def target(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, bool]]:
    name, restrict = request.param
    try:
        sandbox = create_sandbox(name, restrict=restrict, pool_size=3, limits=LIMITS)
    except BackendUnavailableError as exc:
        if os.environ.get("TOOLPROOF_REQUIRE_DOCKER") == "1":
            pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {exc}")
        pytest.skip(str(exc))
    yield sandbox, restrict
    sandbox.close()
