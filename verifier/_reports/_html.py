"""A single self-contained HTML report: summary, counts per code, failing samples.

Each failing sample is shown as its dialog, with the turns that findings point at
highlighted and the findings listed under them, what the exec layer's mock answered
beside the dataset's tool response, and the judge's evidence under each argument value,
so a reviewer sees the defect in context. Details are capped (``max_samples``) so the
file stays openable for huge datasets; the summary always covers every sample.

The markup lives in Jinja2 templates beside this module, rendered with autoescape: every
string of a dataset is hostile, and only the templates write markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from verifier._codes import CODES
from verifier._model import Finding, Sample, SampleResult
from verifier._reports._base import SpooledDocument, report_writer
from verifier._summary import Summary
from verifier._trace import Evidence, ExecutedCall
from verifier._version import TOOLPROOF_VERSION

MAX_TEXT = 2000
"""Longer texts are cut in the report (the results JSONL has everything)."""


def _compact(value: Any) -> str:
    return orjson.dumps(value).decode()


_ENV = Environment(
    loader=PackageLoader("verifier._reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)
_ENV.filters["tojson_compact"] = _compact
_SAMPLE = _ENV.get_template("sample.html.jinja")
_HEAD = _ENV.get_template("head.html.jinja")
_TAIL = _ENV.get_template("tail.html.jinja")
_CSS = files("verifier._reports").joinpath("templates/report.css").read_text(encoding="utf-8")


@dataclass
class _TurnView:
    index: int
    kind: str
    label: str
    content: str
    calls: str
    executed: ExecutedCall | None
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def sample_html(sample: Sample, result: SampleResult) -> str:
    """One failing (or warned) sample: its dialog with findings under the turns they hit."""
    by_turn: dict[int | None, list[Finding]] = {}
    for f in result.findings:
        key = f.turn if f.turn is not None and 0 <= f.turn < len(sample.turns) else None
        by_turn.setdefault(key, []).append(f)
    # beside the tool turn that answered the call; a call nobody answered, under the call
    executed = {rec.shown_turn: rec for rec in result.trace.calls}
    evidence = result.trace.judge.evidence if result.trace.judge is not None else ()
    turns = []
    for i, turn in enumerate(sample.turns):
        calls = "\n".join(
            f"{c.name}({_compact(c.arguments if c.arguments is not None else '<undecodable>')})"
            for c in turn.calls
        )
        label = turn.role + (f" · {turn.name}" if turn.name else "")
        shown = [e for e in evidence if e.turn == i]
        turns.append(_TurnView(i, turn.role, label, turn.content or "", calls, executed.get(i),
                               by_turn.get(i, []), shown))  # fmt: skip
    return _SAMPLE.render(
        result=result, tools=", ".join(t.name for t in sample.tools), loose=by_turn.get(None, []),
        turns=turns, max_text=MAX_TEXT,
    ) + "\n"  # fmt: skip


@report_writer("html")
class HtmlReport:
    def __init__(self, path: Path, *, max_samples: int = 1000) -> None:
        self._doc = SpooledDocument(path)
        self._max = max_samples
        self._shown = 0
        self._hidden = 0

    def add(self, sample: Sample, result: SampleResult) -> None:
        if result.verdict == "pass":
            return
        if self._shown >= self._max:
            self._hidden += 1
            return
        self._shown += 1
        self._doc.body.write(sample_html(sample, result))

    def close(self, summary: Summary) -> None:
        self._doc.finish(self._head(summary), _TAIL.render(hidden=self._hidden) + "\n")

    @staticmethod
    def _head(s: Summary) -> str:
        top = max((n for _, n in s.codes_by_frequency()), default=1)
        rows = [
            {
                "code": code,
                "meaning": info.meaning if (info := CODES.get(code)) else "",
                "n": n,
                "samples": s.samples_by_code[code],
                "width": 100 * n / top,
                "example": s.examples.get(code),
            }
            for code, n in s.codes_by_frequency()
        ]
        return _HEAD.render(s=s, rows=rows, css=_CSS, version=TOOLPROOF_VERSION)
