"""Hostile results and data: always a verdict, never an exception."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st

from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, check_entry, load_entries, score_results

ENTRIES = {
    name: load_entries(DEFAULT_DATA_DIR, CATEGORIES[name])[:3]
    for name in ("simple_python", "simple_java", "simple_javascript", "parallel", "irrelevance")
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
call_texts = st.builds(
    lambda name, args: f"[{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})]",
    st.sampled_from(["calculate_triangle_area", "f", "a.b", "x y"]),
    st.dictionaries(st.sampled_from(["base", "height", "unit", "p"]), json_values, max_size=3),
)
results = (
    st.text(max_size=80)
    | call_texts
    | st.lists(st.dictionaries(st.text(max_size=10), json_values.map(json.dumps), max_size=2))
    | json_values
)


@settings(max_examples=300, deadline=None)
@given(category=st.sampled_from(sorted(ENTRIES)), index=st.integers(0, 2), result=results)
def test_any_result_gets_a_verdict(category: str, index: int, result: Any) -> None:
    verdict = check_entry(CATEGORIES[category], ENTRIES[category][index], result)
    assert verdict.valid in (True, False)
    assert verdict.valid or verdict.error_type


def test_malformed_answers_deep_inside_are_reported_per_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    answers = data / "possible_answer" / "BFCL_v4_simple_java.json"
    lines = answers.read_text().splitlines()
    broken = json.loads(lines[1])
    broken["ground_truth"][0]["SQLCompletionAnalyzer.makeProposalsFromObject"]["params"] = [
        {"limit": 5}
    ]
    answers.write_text("\n".join([lines[0], json.dumps(broken), *lines[2:]]) + "\n")
    result = (
        "SQLCompletionAnalyzer.makeProposalsFromObject(object=Customers, useShortName=true, "
        'params=new HashMap<String, Object>() {{ put("limit", 50); }});'
    )
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "simple_java_1", "result": result}) + "\n")
    report = score_results("simple_java", path, data, partial=True)
    (verdict,) = report.verdicts
    assert verdict.valid is False and verdict.error_type
