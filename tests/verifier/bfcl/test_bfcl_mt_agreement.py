"""toolproof's multi-turn checker agrees with BFCL's own on every corpus case.

The corpus (tests/data/bfcl/mt_corpus.jsonl.gz, made by make_mt_corpus.py from BFCL's
ground truth) and BFCL's verdicts on it (mt_bfcl_verdicts.jsonl.gz, made by
bfcl_mt_verdicts.py running BFCL's checker) are committed. The fast test checks a sixth
of the cases against those verdicts; the slow one all of them; a third test installs the
pinned ``bfcl-eval`` (``--no-deps``, with what its checker and decoders import) into a
temporary directory, runs BFCL's checker on the corpus again and requires the committed
verdicts, so they cannot drift from what BFCL says.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cache_dir
from verifier.bfcl import (
    BFCL_EVAL_VERSION,
    DEFAULT_DATA_DIR,
    MULTI_TURN_CATEGORIES,
    MultiTurnEntry,
    MultiTurnRunner,
    load_multi_turn,
)

BFCL_SIDE = [
    f"bfcl-eval=={BFCL_EVAL_VERSION}",
    "mpmath==1.3.0",
    "tree_sitter==0.21.3",
    "tree-sitter-java==0.21.0",
    "tree-sitter-javascript==0.21.4",
    "tenacity==9.1.2",
    "filelock==3.20.0",
]
"""What BFCL's multi-turn checker and its handlers' decoders import, pinned."""


def _read(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def entries() -> dict[str, MultiTurnEntry]:
    return {
        e.id: e
        for c in MULTI_TURN_CATEGORIES.values()
        for e in load_multi_turn(DEFAULT_DATA_DIR, c)
    }


def _disagreements(
    runner: MultiTurnRunner, entries: dict[str, MultiTurnEntry], data_dir: Path, step: int
) -> tuple[int, list[str]]:
    cases = _read(data_dir / "bfcl" / "mt_corpus.jsonl.gz")[::step]
    expected = {v["case"]: v for v in _read(data_dir / "bfcl" / "mt_bfcl_verdicts.jsonl.gz")}
    verdicts = runner.check([(entries[c["id"]], c["result"]) for c in cases])
    diffs = []
    for case, mine in zip(cases, verdicts, strict=True):
        theirs = expected[case["case"]]
        ours = (mine.valid, mine.error_type, mine.error if not mine.valid else None)
        bfcl = (theirs["valid"], theirs["error_type"], theirs["error"])
        if ours != bfcl:
            diffs.append(f"case {case['case']} ({case['kind']}): toolproof {ours}, BFCL {bfcl}")
    return len(cases), diffs


def test_a_sixth_of_the_corpus_gets_bfcls_verdicts(
    mt_runner: MultiTurnRunner, entries: dict[str, MultiTurnEntry], data_dir: Path
) -> None:
    compared, diffs = _disagreements(mt_runner, entries, data_dir, 6)
    assert compared == 300
    assert diffs == []


@pytest.mark.slow
def test_every_corpus_case_gets_bfcls_verdict(
    mt_runner: MultiTurnRunner, entries: dict[str, MultiTurnEntry], data_dir: Path
) -> None:
    compared, diffs = _disagreements(mt_runner, entries, data_dir, 1)
    assert compared == 1800
    assert diffs == []


def test_corpus_covers_every_multi_turn_verdict(data_dir: Path) -> None:
    verdicts = _read(data_dir / "bfcl" / "mt_bfcl_verdicts.jsonl.gz")
    kinds = Counter(v["error_type"] or "valid" for v in verdicts)
    for kind in (
        "valid",
        "multi_turn:empty_turn_model_response",
        "multi_turn:instance_state_mismatch",
        "multi_turn:execution_response_mismatch",
        "multi_turn:force_terminated",
        "multi_turn:inference_error",
    ):
        assert kinds[kind] >= 50, kind


def test_corpus_is_what_the_generator_writes(data_dir: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(data_dir / "bfcl"))
    try:
        import make_mt_corpus  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(data_dir / "bfcl"))
    cases = make_mt_corpus.cases()
    assert cases == _read(data_dir / "bfcl" / "mt_corpus.jsonl.gz")


def _bfcl_site(target: Path) -> Path:
    """BFCL and its checker's imports in ``target`` (wheels cached: offline once filled)."""
    wheels = cache_dir() / "bfcl-side-wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    offline = [*pip, "install", "--no-deps", "--no-index", "--find-links", str(wheels)]
    if subprocess.run([*offline, "--target", str(target), *BFCL_SIDE], check=False).returncode:
        download = [*pip, "download", "--no-deps", "-d", str(wheels), *BFCL_SIDE]
        if subprocess.run(download, capture_output=True, check=False).returncode:
            pytest.skip(f"the pinned bfcl-eval wheels are not in {wheels} and pip cannot get them")
        subprocess.run([*offline, "--target", str(target), *BFCL_SIDE], check=True)
    return target


@pytest.mark.slow
def test_bfcls_own_checker_still_gives_the_committed_verdicts(
    data_dir: Path, tmp_path: Path
) -> None:
    site = _bfcl_site(tmp_path / "site")
    out = tmp_path / "verdicts.jsonl.gz"
    script = data_dir / "bfcl" / "bfcl_mt_verdicts.py"
    corpus = data_dir / "bfcl" / "mt_corpus.jsonl.gz"
    cmd = [
        sys.executable,
        "-I",
        str(script),
        str(site),
        str(corpus),
        str(DEFAULT_DATA_DIR),
        str(out),
    ]
    subprocess.run(cmd, check=True, cwd=tmp_path, timeout=600)
    assert _read(out) == _read(data_dir / "bfcl" / "mt_bfcl_verdicts.jsonl.gz")
