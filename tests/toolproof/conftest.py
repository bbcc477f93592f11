"""Fixtures of the service tests: a PostgreSQL server (session-wide), per-test state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.toolproof.postgres import postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as cluster:
        yield cluster.url
