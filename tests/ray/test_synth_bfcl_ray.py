"""``synth dialogs`` and ``bfcl check`` on a real Ray cluster: the local engine's output."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import EXAMPLES, ROOT
from toolproof.compose import DialogOptions
from toolproof.engines import (
    BfclWork,
    DialogWork,
    Engine,
    LocalEngine,
    chunked_check,
    write_dialogs,
)
from toolproof.settings import Settings
from verifier.bfcl import Backends, score_results

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An offline pool grown from the bundled seeds."""
    where = tmp_path_factory.mktemp("pool")
    out = where / "pool.jsonl"
    seeds = EXAMPLES / "seeds"
    done = subprocess.run(
        [sys.executable, "-m", "toolproof", "synth", "pool", "--seeds",
         seeds / "bfcl_simple_python.jsonl", seeds / "glaive_tools.json", "--out", out,
         "--target", "120", "-q"],
        cwd=ROOT, env={**os.environ, "TOOLPROOF_HOME": str(where)}, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("fmt", ["openai", "toolace"])
def test_dialogs_on_the_cluster_are_the_local_ones(
    ray_engine: Engine, pool: Path, tmp_path: Path, fmt: str
) -> None:
    options = DialogOptions(format=fmt, seed=7)
    work = DialogWork(pool.read_bytes(), options, Settings(home=tmp_path))
    local = write_dialogs(LocalEngine(), work, tmp_path / "local.jsonl", 50, shard_size=64)
    ray = write_dialogs(ray_engine, work, tmp_path / "ray.jsonl", 50, shard_size=9)
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert ray == local and local.written == 50  # the same attempts, verdicts and counts
    # a resumed run continues where the file stops, on the cluster as here
    again = write_dialogs(ray_engine, work, tmp_path / "ray.jsonl", 70, shard_size=9)
    write_dialogs(LocalEngine(), work, tmp_path / "local.jsonl", 70, shard_size=64)
    assert again.resumed == 50 and again.written == 70
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def _corpus_results(directory: Path) -> Path:
    """One result per id (the corpus's first case of it), a file per category."""
    directory.mkdir()
    seen: set[str] = set()
    files: dict[str, list[bytes]] = {}
    with gzip.open(ROOT / "tests" / "data" / "bfcl" / "corpus.jsonl.gz") as corpus:
        for line in corpus:
            case = orjson.loads(line)
            if case["id"] not in seen:
                seen.add(case["id"])
                record = {"id": case["id"], "result": case["result"]}
                files.setdefault(case["category"], []).append(orjson.dumps(record))
    for category, lines in files.items():
        (directory / f"BFCL_v4_{category}_result.json").write_bytes(b"\n".join(lines) + b"\n")
    return directory


def _report(category: str, results: Path, check: Any = None, **options: Any) -> list[bytes]:
    report = score_results(category, results, partial=True, check=check, **options)
    return [orjson.dumps(v.to_json()) for v in report.verdicts] + [orjson.dumps(report.summary)]


def test_single_turn_categories_score_as_locally(ray_engine: Engine, tmp_path: Path) -> None:
    results = _corpus_results(tmp_path / "results")
    local = _report("all", results)
    assert len(local) > 1000
    assert _report("all", results, chunked_check(ray_engine, BfclWork(), 97)) == local


@pytest.mark.parametrize("real", [False, True], ids=["approximation", "backends"])
def test_multi_turn_categories_score_as_locally(
    ray_engine: Engine, tmp_path: Path, real: bool, request: pytest.FixtureRequest
) -> None:
    backends: Backends | None = request.getfixturevalue("bfcl_backends") if real else None
    results = EXAMPLES / "bfcl_multi_turn"
    names = ("base", "miss_func", "miss_param", "long_context")
    select = {f"multi_turn_{name}_{i}" for name in names for i in range(6)}
    options: dict[str, Any] = {"select": select, "trusted": False}
    if backends is not None:
        options["backends"] = backends.source
    local = _report("multi_turn", results, **options)
    work = BfclWork(backends=backends)
    assert _report("multi_turn", results, chunked_check(ray_engine, work, 5), **options) == local
