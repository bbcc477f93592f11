"""Report writers: JSONL lines, JUnit XML and the HTML report, written in a stream."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

import orjson
import pytest

from toolspec import ToolSpec
from toolspec.errors import ConfigError
from verifier import (
    Evidence,
    ExecutedCall,
    Finding,
    JudgeTrace,
    Sample,
    SampleResult,
    ToolCall,
    Turn,
)
from verifier._codes import Severity
from verifier._reports import open_report
from verifier._summary import Summary


def _pair(index: int, *, failing: bool) -> tuple[Sample, SampleResult]:
    tool = ToolSpec(name="get_weather", description="Weather for a city.")
    sample = Sample(
        index=index,
        id=f"s{index}",
        format="openai",
        tools=[tool],
        turns=[
            Turn(role="user", content="Weather in <Paris>?"),
            Turn(role="assistant", calls=[ToolCall("get_weather", {"city": "Paris"})]),
            Turn(role="tool", content='{"t": 21}', name="get_weather"),
        ],
    )
    findings = (
        [
            Finding.of(
                "call.unknown_param", "`town` is not a parameter", turn=1, call=0, path="/town"
            )
        ]
        if failing
        else []
    )
    result = SampleResult(
        id=sample.id,
        index=index,
        verdict="fail" if failing else "pass",
        score=0.5 if failing else 1.0,
        findings=findings,
        provenance={"format": "openai"},
    )
    return sample, result


def _write(kind: str, path: Path, pairs: list[tuple[Sample, SampleResult]]) -> Summary:
    summary = Summary(format="openai")
    writer = open_report(kind, path)
    for sample, result in pairs:
        summary.add(result)
        writer.add(sample, result)
    writer.close(summary)
    return summary


def test_jsonl_has_one_line_per_result_in_order(tmp_path: Path) -> None:
    pairs = [_pair(i, failing=i % 2 == 1) for i in range(5)]
    _write("jsonl", tmp_path / "r.jsonl", pairs)
    lines = [orjson.loads(x) for x in (tmp_path / "r.jsonl").read_bytes().splitlines()]
    assert [x["index"] for x in lines] == [0, 1, 2, 3, 4]
    assert list(lines[1]) == ["id", "index", "verdict", "score", "findings", "provenance"]
    assert lines[1]["findings"][0] == {
        "code": "call.unknown_param",
        "layer": "rules",
        "severity": "error",
        "turn": 1,
        "call": 0,
        "path": "/town",
        "message": "`town` is not a parameter",
    }


def test_junit_counts_and_failures(tmp_path: Path) -> None:
    pairs = [_pair(i, failing=i == 2) for i in range(3)]
    _write("junit", tmp_path / "j.xml", pairs)
    root = ET.parse(tmp_path / "j.xml").getroot()
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    failures = root.findall(".//failure")
    assert len(failures) == 1
    assert failures[0].get("type") == "call.unknown_param"
    assert not list(tmp_path.glob("*.part"))


def test_html_is_self_contained_and_escapes(tmp_path: Path) -> None:
    pairs = [_pair(i, failing=i == 1) for i in range(3)]
    _write("html", tmp_path / "r.html", pairs)
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!doctype html>")
    assert "call.unknown_param" in html and 'class="turn hit"' in html
    assert "&lt;Paris&gt;" in html and "<Paris>" not in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert 'id="s1"' in html and 'id="s0"' not in html  # only failing samples in detail


def test_html_caps_details(tmp_path: Path) -> None:
    from verifier._reports._html import HtmlReport

    writer = HtmlReport(tmp_path / "r.html", max_samples=2)
    summary = Summary()
    for i in range(5):
        sample, result = _pair(i, failing=True)
        summary.add(result)
        writer.add(sample, result)
    writer.close(summary)
    html = (tmp_path / "r.html").read_text()
    assert html.count('class="sample"') == 2
    assert "3 more failing samples" in html


def test_unknown_report_format_lists_known(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="html, jsonl, junit"):
        open_report("pdf", tmp_path / "x")


def test_summary_counts() -> None:
    summary = Summary()
    for i in range(4):
        summary.add(_pair(i, failing=i < 3)[1])
    assert (summary.total, summary.passed, summary.failed) == (4, 1, 3)
    assert summary.pass_rate == 0.25
    assert summary.to_dict()["findings_by_code"] == {"call.unknown_param": 3}
    assert summary.examples["call.unknown_param"].index == 0
    assert Summary().pass_rate == 1.0


def test_summary_counts_each_severity_of_a_code_apart() -> None:
    """The judge grades one code an error or a warning: the table needs both counts."""

    def graded(index: int, *severities: Severity) -> SampleResult:
        findings = [
            Finding.of("judge.hallucinated_value", f"{sev} {n}", severity=sev)
            for n, sev in enumerate(severities)
        ]
        verdict: Literal["pass", "fail"] = "fail" if "error" in severities else "pass"
        return SampleResult(str(index), index, verdict, 0.5, findings, provenance={})

    summary = Summary()
    summary.add(graded(0, "warning", "warning", "error"))
    summary.add(graded(1, "warning"))
    summary.add(graded(2, "warning"))
    assert summary.by_code["judge.hallucinated_value"] == 5
    assert summary.code_severities_by_frequency() == [
        ("judge.hallucinated_value", "warning", 4),
        ("judge.hallucinated_value", "error", 1),
    ]
    code = "judge.hallucinated_value"
    assert summary.samples_by_code_severity[(code, "warning")] == 3
    assert summary.samples_by_code_severity[(code, "error")] == 1
    assert summary.severity_examples[(code, "error")].message == "error 2"
    assert summary.severity_examples[(code, "warning")].index == 0


def test_html_shows_executed_outcome_beside_response_and_evidence(tmp_path: Path) -> None:
    sample, result = _pair(0, failing=True)
    result.trace.calls = [ExecutedCall(1, 0, "get_weather", True, 2, 0.4, {"temperature": 17})]
    evidence = Evidence(1, 0, "/city", "Paris", grounded=True, source="user turn 0")
    result.trace.judge = JudgeTrace({}, cached=False, evidence=(evidence,))
    _write("html", tmp_path / "r.html", [(sample, result)])
    html = (tmp_path / "r.html").read_text()
    assert '<div class="pair"><div><b>dataset</b>: {&#34;t&#34;: 21}</div>' in html
    assert "executed</b> (0.4 ms): {&#34;temperature&#34;:17}" in html
    assert '<code>/city</code> = &#34;Paris&#34;: <span class="yes">grounded</span>' in html
    assert "in user turn 0" in html


def test_summary_pass_rate_per_layer() -> None:
    summary = Summary(layers=("rules", "judge"))
    _, failing = _pair(0, failing=True)
    _, clean = _pair(1, failing=False)
    warned = SampleResult("w", 2, "pass", 0.8, [Finding.of("judge.unavailable", "down")], {})
    for result in (failing, clean, warned):
        summary.add(result)
    assert summary.layer_pass_rates() == {"rules": pytest.approx(2 / 3), "judge": 1.0}


def test_summary_counts_findings_per_called_tool() -> None:
    summary = Summary()
    sample, result = _pair(0, failing=True)
    result.findings.append(Finding.of("spec.unclear", "vague", severity="warning"))
    summary.add(result, sample)
    assert summary.by_tool == {"get_weather": 1}
    assert summary.to_dict()["findings_by_tool"] == {"get_weather": 1}
