"""``toolproof bfcl check``: verdict files, the summary, ``--category all`` and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from toolproof.cli import app
from verifier.bfcl import CATEGORIES, DEFAULT_DATA_DIR, load_entries


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["bfcl", "check", *args])


def _first(values: list[Any]) -> Any:
    value = next(v for v in values if v != "")
    if isinstance(value, dict):  # a dict answer lists acceptable values per key
        return {k: v[0] for k, v in value.items() if v and v[0] != ""}
    if isinstance(value, list) and value and all(isinstance(d, dict) for d in value):
        return [{k: v[0] for k, v in d.items() if v and v[0] != ""} for d in value]
    return value


def _perfect(name: str) -> list[dict[str, Any]]:
    """A right answer for every entry: first acceptable values, as a prompting model writes."""
    lines = []
    for entry in load_entries(DEFAULT_DATA_DIR, CATEGORIES[name]):
        calls = []
        for answer in entry.answers or []:
            func, params = next(iter(answer.items()))
            args = {k: _first(vs) for k, vs in params.items() if any(v != "" for v in vs)}
            calls.append(f"{func}({', '.join(f'{k}={v!r}' for k, v in args.items())})")
        lines.append({"id": entry.id, "result": f"[{', '.join(calls)}]"})
    return lines


def test_check_scores_a_result_file(tmp_path: Path) -> None:
    lines = _perfect("parallel")
    lines[0]["result"] = "[]"
    lines[1]["result"] = [{"spotify.play": '{"artist": "nobody", "duration": 1}'}]
    results = tmp_path / "BFCL_v4_parallel_result.json"
    results.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    out = tmp_path / "verdicts.jsonl"
    run = _invoke("--category", "parallel", "--results", str(results), "--out", str(out))
    assert run.exit_code == 0, run.output
    verdicts = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(verdicts) == 200
    assert all(set(v) == {"id", "valid", "error_type", "error"} for v in verdicts)
    assert verdicts[0]["error_type"] == "parallel_function_checker_no_order:wrong_count"
    assert verdicts[1]["valid"] is False
    assert sum(v["valid"] for v in verdicts) == 198
    summary = json.loads((tmp_path / "verdicts.summary.json").read_text())
    assert summary["categories"]["parallel"]["accuracy"] == 198 / 200
    assert "parallel" in run.output and "99.00%" in run.output


def test_check_all_categories_from_a_result_directory(tmp_path: Path) -> None:
    results = tmp_path / "model" / "non_live"
    results.mkdir(parents=True)
    for name in ("simple_python", "multiple", "live_simple"):
        lines = _perfect(name)
        text = "\n".join(json.dumps(x) for x in lines)
        (results / f"BFCL_v4_{name}_result.json").write_text(text + "\n")
    (results / "BFCL_v4_irrelevance_result.json").write_text(
        "\n".join(
            json.dumps({"id": e.id, "result": "I cannot help."})
            for e in load_entries(DEFAULT_DATA_DIR, CATEGORIES["irrelevance"])
        )
    )
    out = tmp_path / "all.jsonl"
    summary = tmp_path / "s.json"
    run = _invoke(
        "--category", "all", "--results", str(tmp_path / "model"), "--out", str(out),
        "--summary", str(summary),
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    scores = json.loads(summary.read_text())
    for name in ("simple_python", "multiple", "irrelevance"):
        assert scores["categories"][name]["accuracy"] == 1.0, name
    # two live_simple entries require parameters whose acceptable values BFCL left empty
    assert scores["categories"]["live_simple"]["correct_count"] == 256
    assert scores["categories"]["parallel"]["accuracy"] == 0.0  # no results: all missing
    assert scores["groups"]["non_live_ast"]["complete"] is True


def test_usage_and_input_errors_exit_2(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text('{"id": "simple_python_0", "result": "[]"}\n')
    out = str(tmp_path / "v.jsonl")
    unknown = _invoke("--category", "simple", "--results", str(results), "--out", out)
    assert unknown.exit_code == 2
    assert "unknown BFCL category 'simple'" in unknown.output
    assert "live_parallel_multiple" in unknown.output
    missing = _invoke("--category", "simple_python", "--results", str(tmp_path / "x"), "--out", out)
    assert missing.exit_code == 2 and "does not exist" in missing.output
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    (data / "BFCL_v4_simple_python.json").write_text("not json\n")
    bad = _invoke(
        "--category", "simple_python", "--results", str(results), "--out", out, "--data", str(data)
    )
    assert bad.exit_code == 2 and "not valid JSON" in bad.output
    unwritable = _invoke(
        "--category", "simple_python", "--results", str(results), "--out", str(tmp_path)
    )
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.output
    outputs = unknown.output + missing.output + bad.output + unwritable.output
    assert "Traceback" not in outputs


def test_results_that_score_no_entry_exit_1(tmp_path: Path) -> None:
    """No line is a result for an entry of the category: no accuracy, not a pass."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    stray = tmp_path / "stray.jsonl"
    stray.write_text('{"id": "not_an_entry_0", "result": "[]"}\n')
    out = str(tmp_path / "v.jsonl")
    for results, extra in ((empty, []), (empty, ["--partial"]), (stray, ["--partial"])):
        args = ["--category", "simple_python", "--results", str(results), "--out", out, *extra]
        run = _invoke(*args)
        assert run.exit_code == 1, run.output
        assert "nothing was scored" in run.output
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(_perfect("simple_python")[0]) + "\n")
    run = _invoke("--category", "simple_python", "--results", str(one), "--out", out, "--partial")
    assert run.exit_code == 0, run.output
