"""Result sets, data files and the summary: per-id problems, bad data, BFCL's aggregation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import verifier.bfcl as bfcl
from toolspec.errors import ConfigError, DatasetError
from verifier.bfcl import (
    CATEGORIES,
    DEFAULT_DATA_DIR,
    BfclDataError,
    ResultsError,
    check_results,
    load_entries,
    read_results,
    resolve_categories,
    score_results,
    summarize,
)


def test_public_surface_is_locked() -> None:
    assert sorted(bfcl.__all__) == sorted(
        [
            "CATEGORIES", "DEFAULT_DATA_DIR", "BfclDataError", "Category", "Entry", "Report",
            "ResultsError", "RunSettings", "RunStats", "Verdict", "category_of_id", "check_entry",
            "check_results", "decode_output", "done_ids", "has_call", "is_call_list",
            "load_entries", "read_results", "request_body", "resolve_categories", "run_model",
            "score_results", "summarize", "BFCL_EVAL_VERSION", "Backends", "BackendsError",
            "MULTI_TURN_CATEGORIES", "MultiTurnEntry", "MultiTurnRunner", "check_multi_turn",
            "default_backends_dir", "fetch_backends", "load_backends", "load_multi_turn",
            "run_multi_turn", "CheckJob", "CheckJobs", "MultiTurnCheck", "check_jobs",
            "multi_turn_checker",
        ]
    )  # fmt: skip


def test_shipped_data_has_every_single_turn_category() -> None:
    sizes = {c.name: len(load_entries(DEFAULT_DATA_DIR, c)) for c in CATEGORIES.values()}
    assert sizes == {
        "simple_python": 400, "simple_java": 100, "simple_javascript": 50, "multiple": 200,
        "parallel": 200, "parallel_multiple": 200, "irrelevance": 240, "live_simple": 258,
        "live_multiple": 1053, "live_parallel": 16, "live_parallel_multiple": 24,
        "live_irrelevance": 884, "live_relevance": 16,
    }  # fmt: skip
    assert (DEFAULT_DATA_DIR / "LICENSE.txt").read_text().startswith(" " * 33 + "Apache License")


def test_unknown_category_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_categories("simple")
    assert "simple_python" in caught.value.message and "all" in caught.value.message
    assert len(resolve_categories("all")) == 13


def _write(path: Path, lines: list[Any]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


GOOD_JS = "validateUserInput(inputField=userInputField, isComplete=true)"


def test_per_id_problems_are_verdicts(tmp_path: Path) -> None:
    category = CATEGORIES["simple_javascript"]
    entries = load_entries(DEFAULT_DATA_DIR, category)
    first, second, third = entries[0].id, entries[1].id, entries[2].id
    results = _write(
        tmp_path / "r.jsonl",
        [
            {"id": first, "result": GOOD_JS},
            {"id": first, "result": "again"},
            {"id": second, "result": {"not": "a string"}},
            {"id": third},
            {"id": "simple_javascript_999", "result": "x"},
            {"no_id": 1},
            "{not json",
        ],
    )  # fmt: skip
    verdicts = check_results([(category, entries)], read_results(results))
    by_id = {(v.id, v.error_type): v for v in verdicts}
    assert by_id[(first, None)].valid
    assert (first, "toolproof:duplicate_id") in by_id
    assert (second, "toolproof:invalid_result") in by_id
    assert (third, "toolproof:invalid_result") in by_id
    assert ("simple_javascript_999", "toolproof:unknown_id") in by_id
    assert sum(v.error_type == "toolproof:unreadable_line" for v in verdicts) == 2
    assert sum(v.error_type == "toolproof:missing_result" for v in verdicts) == 47
    summary = summarize(verdicts, {"simple_javascript": 50})
    assert summary["categories"]["simple_javascript"] == {
        "accuracy": 1 / 50, "total_count": 50, "correct_count": 1, "complete": True,
    }  # fmt: skip
    assert summary["not_counted"] == 4


def test_missing_results_and_bad_data_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ResultsError):
        score_results("simple_python", tmp_path / "nope.jsonl")
    with pytest.raises(ResultsError):
        score_results("simple_python", tmp_path)  # a directory without result files
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    results = _write(tmp_path / "r.jsonl", [{"id": "multiple_0", "result": "[]"}])
    answers = data / "possible_answer" / "BFCL_v4_multiple.json"
    lines = answers.read_text().splitlines()
    answers.write_text("\n".join(['{"id": "multiple_0"}', *lines[1:]]) + "\n")
    with pytest.raises(BfclDataError, match="ground_truth"):
        score_results("multiple", results, data)
    answers.write_text(lines[0] + "\n")
    with pytest.raises(BfclDataError, match="has 1 entries but"):
        score_results("multiple", results, data)
    (data / "BFCL_v4_parallel.json").write_text("{broken\n")
    with pytest.raises(DatasetError, match="not valid JSON"):
        score_results("parallel", results, data)
    (data / "BFCL_v4_parallel.json").unlink()
    with pytest.raises(DatasetError, match="cannot read"):
        score_results("parallel", results, data)


def _score(accuracy: float, total: int) -> dict[str, Any]:
    return {"accuracy": accuracy, "total_count": total}


def test_summary_follows_bfcls_formulas(tmp_path: Path) -> None:
    # One valid and one invalid verdict per category makes every category 50%, except
    # those given below; BFCL's group formulas are then checked by hand.
    from verifier.bfcl import Verdict

    verdicts = []
    from verifier.bfcl import MULTI_TURN_CATEGORIES

    wins = {"simple_python": 1.0, "simple_java": 0.0, "live_simple": 1.0, "irrelevance": 1.0,
            "multi_turn_base": 1.0}  # fmt: skip
    for name in [*CATEGORIES, *MULTI_TURN_CATEGORIES]:
        rate = wins.get(name, 0.5)
        verdicts.append(Verdict(f"{name}_0", rate >= 0.5, category=name))
        verdicts.append(Verdict(f"{name}_1", rate == 1.0, category=name))
    summary = summarize(verdicts, {})
    groups = summary["groups"]
    simple = (1.0 + 0.0 + 0.5) / 3
    assert groups["non_live_simple_ast"]["accuracy"] == pytest.approx(simple)
    assert groups["non_live_ast"]["accuracy"] == pytest.approx((simple + 0.5 * 3) / 4)
    # live is weighted by size: here every live category has 2 verdicts
    assert groups["live_ast"]["accuracy"] == pytest.approx((1.0 + 0.5 * 3) / 4)
    assert groups["irrelevance"]["accuracy"] == pytest.approx((1.0 + 0.5) / 2)
    assert groups["overall_single_turn"]["accuracy"] == pytest.approx(
        (groups["non_live_ast"]["accuracy"] + groups["live_ast"]["accuracy"] + 0.75) / 3
    )
    # multi-turn: the plain mean of its four; BFCL's overall weighs it 30 against 10/10/10
    assert groups["multi_turn"]["accuracy"] == pytest.approx((1.0 + 0.5 * 3) / 4)
    assert groups["overall_without_agentic"]["accuracy"] == pytest.approx(
        (10 * groups["non_live_ast"]["accuracy"] + 10 * groups["live_ast"]["accuracy"]
         + 10 * 0.75 + 30 * 0.625) / 60
    )  # fmt: skip
    assert all(g["complete"] for g in groups.values())


def test_a_category_not_checked_counts_zero_and_marks_its_groups(tmp_path: Path) -> None:
    from verifier.bfcl import Verdict

    summary = summarize(
        [Verdict("live_simple_0", True, category="live_simple")], {"live_multiple": 3}
    )
    live = summary["groups"]["live_ast"]
    assert live["complete"] is False
    assert live["accuracy"] == pytest.approx(1 / 4)  # 1 of 1 weighted with 0 of 3


def test_partial_and_selected_scoring(tmp_path: Path) -> None:
    results = _write(tmp_path / "r.jsonl", [{"id": "simple_javascript_0", "result": GOOD_JS}])
    partial = score_results("simple_javascript", results, partial=True)
    assert [v.id for v in partial.verdicts] == ["simple_javascript_0"]
    assert partial.summary["categories"]["simple_javascript"]["accuracy"] == 1.0
    chosen = {"simple_javascript_0", "simple_javascript_1"}
    selected = score_results("simple_javascript", results, select=chosen)
    assert [v.error_type for v in selected.verdicts] == [None, "toolproof:missing_result"]
    assert selected.summary["categories"]["simple_javascript"]["total_count"] == 2
