"""The commands with ``--engine ray`` as a user runs them against a cluster's address."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.ray.cluster import LocalCluster

pytestmark = pytest.mark.ray


def toolproof(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TOOLPROOF_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "toolproof", *map(str, args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_verify_writes_the_local_results_and_reports(cluster: LocalCluster, tmp_path: Path) -> None:
    """On the cluster as a node of it would join (the head's address) and from outside it,
    through the head's Ray Client server (``ray://``)."""
    dataset = EXAMPLES / "toolace_sharegpt_100.json"
    outputs = {}
    for where_from in ("local", cluster.address, cluster.client_address):
        engine = "local" if where_from == "local" else "ray"
        where = tmp_path / str(len(outputs))
        where.mkdir()
        done = toolproof(
            "verify", dataset, "--layers", "rules,exec,judge", "--engine", engine,
            *(["--address", where_from, "--shard-size", "9"] if engine == "ray" else []),
            "--out", where / "r.jsonl", "--junit", where / "j.xml", "--report", where / "r.html",
            "--fail-under", "0.5", home=tmp_path,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr  # the gate reads the same pass rate
        assert "pass rate 11.0%" in done.stdout
        # the report shows the samples as verified, traces and all; only timings differ
        html = re.sub(rb"\(\d+(\.\d+)? ms\)", b"(t)", (where / "r.html").read_bytes())
        outputs[where_from] = [(where / name).read_bytes() for name in ("r.jsonl", "j.xml")]
        outputs[where_from].append(html)
        assert b'<div class="exec"><b>executed</b>' in html  # the traces came back
    assert outputs[cluster.address] == outputs[cluster.client_address] == outputs["local"]


def test_synth_dialogs_and_bfcl_check_on_the_cluster(cluster: LocalCluster, tmp_path: Path) -> None:
    results = EXAMPLES / "bfcl_multi_turn" / "BFCL_v4_multi_turn_base_result.json"
    seeds = EXAMPLES / "seeds" / "glaive_tools.json"
    pool = tmp_path / "pool.jsonl"
    made = toolproof("synth", "pool", "--seeds", seeds, "--out", pool, "--target", "60",
                     "-q", home=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    files: dict[str, list[bytes]] = {}
    for engine in ("local", "ray"):
        on = ["--engine", engine] + (["--address", cluster.address] if engine == "ray" else [])
        dialogs, verdicts = tmp_path / f"{engine}.jsonl", tmp_path / f"{engine}.verdicts.jsonl"
        done = toolproof("synth", "dialogs", "--pool", pool, "--out", dialogs, "--n", "30",
                         "--seed", "5", *on, home=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "30 verified dialogs" in done.stdout
        done = toolproof("bfcl", "check", "--category", "multi_turn_base", "--results", results,
                         "--out", verdicts, "--shard-size", "50", *on, home=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
        files[engine] = [dialogs.read_bytes(), verdicts.read_bytes()]
    assert files["ray"] == files["local"]


def test_the_readme_verify_on_a_cluster_runs_as_written(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    from tests.test_readme import TOOLPROOF, block_with, run, workdir

    block = block_with("--engine ray --address 127.0.0.2:6379")
    assert "ray start --head --node-ip-address 127.0.0.2" in block
    (line,) = [x for x in block.splitlines() if x.startswith("toolproof verify")]
    command = line.replace("toolproof", TOOLPROOF, 1).replace("127.0.0.2:6379", cluster.address)
    where = workdir(tmp_path / "ray")
    done = run(command, where)
    assert done.returncode == 0, done.stderr
    local = run(command.split(" --engine")[0] + " --out build/local.jsonl", where)
    assert local.returncode == 0, local.stderr
    assert (where / "build" / "results.jsonl").read_bytes() == (
        where / "build" / "local.jsonl"
    ).read_bytes()
