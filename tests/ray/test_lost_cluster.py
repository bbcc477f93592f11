"""A cluster that loses its every worker node: the command does not wait for ever (Ray
would), it stops with one sentence once the cluster has had no CPU for
``TOOLPROOF_RAY_NODE_WAIT_S``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import EXAMPLES
from tests.ray.cluster import LocalCluster
from tests.ray.test_verify_ray import killed_while_running_a_shard

pytestmark = pytest.mark.ray


def test_a_cluster_with_no_node_left_stops_the_command(tmp_path: Path) -> None:
    records = orjson.loads((EXAMPLES / "toolace_sharegpt_100.json").read_bytes())
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records * 30))
    cluster = LocalCluster()  # its own: the session's cluster keeps its nodes
    try:
        cluster.start()
        only = cluster.add_node()
        command = subprocess.Popen(
            [sys.executable, "-m", "toolproof", "verify", str(path), "--layers", "rules,exec",
             "--engine", "ray", "--address", cluster.address, "--shard-size", "4", "-q",
             "--out", str(tmp_path / "results.jsonl")],
            env={**os.environ, "TOOLPROOF_HOME": str(tmp_path), "TOOLPROOF_RAY_NODE_WAIT_S": "3",
                 "COLUMNS": "200"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        with killed_while_running_a_shard(cluster, only) as killed:
            assert killed.wait(120), "the node never ran a shard"
        lost = time.monotonic()
        _, err = command.communicate(timeout=120)
    finally:
        cluster.stop()
    assert time.monotonic() - lost < 60  # the node's death is seen in ~3 s, then 3 s more
    assert command.returncode == 2, err
    assert err.startswith("error: the Ray cluster has had no CPU for 3 s"), err
    assert "Traceback" not in err and err.count("\n") <= 3
