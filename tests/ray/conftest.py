"""One local Ray cluster for the session (a head and two one-CPU workers on 127.0.0.2),
and a driver joined to it: the ``ray`` engine of this test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ray.cluster import LocalCluster

pytestmark = pytest.mark.ray


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    started = LocalCluster()
    try:
        started.start()
        started.add_node()
        started.add_node()
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def ray_engine(cluster: LocalCluster) -> Iterator[object]:
    from toolproof.engines import EngineOptions, open_engine

    engine = open_engine("ray", EngineOptions(address=cluster.address))
    try:
        yield engine
    finally:
        engine.close()
