"""Multi-turn without BFCL's backends: compiled mocks, labelled an approximation.

On the agreement corpus (tests/data/bfcl: 1,800 model results made from the ground truth,
with BFCL's own verdicts), the approximation must agree with BFCL on most validity
verdicts, and every verdict it writes says it is an approximation. Model output is parsed,
never run.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from verifier.bfcl import DEFAULT_DATA_DIR, MULTI_TURN_CATEGORIES, load_multi_turn
from verifier.bfcl._mt_approx import ApproxMultiTurnRunner


def _read(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_the_approximation_mostly_agrees_with_bfcl_and_says_what_it_is(data_dir: Path) -> None:
    entries = {e.id: e for c in MULTI_TURN_CATEGORIES.values()
               for e in load_multi_turn(DEFAULT_DATA_DIR, c)}  # fmt: skip
    cases = _read(data_dir / "bfcl" / "mt_corpus.jsonl.gz")[::4]
    bfcl = {v["case"]: v for v in _read(data_dir / "bfcl" / "mt_bfcl_verdicts.jsonl.gz")}
    with ApproxMultiTurnRunner() as runner:
        verdicts = runner.check([(entries[c["id"]], c["result"]) for c in cases])
    assert all(v.approximation and v.to_json()["approximation"] is True for v in verdicts)
    same = sum(v.valid == bfcl[c["case"]]["valid"] for v, c in zip(verdicts, cases, strict=True))
    assert same / len(cases) >= 0.9, f"{same} of {len(cases)} agree"  # 0.98 on all 1,800
    assert any(v.valid for v in verdicts) and any(not v.valid for v in verdicts)


def test_model_output_is_parsed_never_run(tmp_path: Path) -> None:
    entry = load_multi_turn(DEFAULT_DATA_DIR, MULTI_TURN_CATEGORIES["multi_turn_base"])[0]
    marker = tmp_path / "ran"
    hostile = f"__import__('os').system('touch {marker}')"
    result = [[[hostile]] for _ in entry.ground_truth]
    with ApproxMultiTurnRunner() as runner:
        (verdict,) = runner.check([(entry, result)])
    assert not verdict.valid and not marker.exists()
