"""A single self-contained HTML report: summary, counts per code, failing samples.

Each failing sample is shown as its dialog, with the turns that findings point at
highlighted and the findings listed under them, so a reviewer sees the defect in
context. Details are capped (``max_samples``) so the file stays openable for huge
datasets; the summary always covers every sample.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import orjson

from verifier._codes import CODES
from verifier._model import Finding, Sample, SampleResult, Turn
from verifier._reports._base import SpooledDocument, report_writer
from verifier._summary import Summary
from verifier._version import TOOLPROOF_VERSION

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
main{padding:18px 28px;max-width:1100px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border-radius:8px;
padding:12px 18px;box-shadow:0 1px 2px #0002;min-width:120px}.card b{font-size:22px;display:block}
table{border-collapse:collapse;background:#fff;width:100%;margin:10px 0}
td,th{padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
.bar{background:#e5484d;height:8px;border-radius:4px}
.sample{background:#fff;border-radius:8px;margin:14px 0;padding:10px 16px;
box-shadow:0 1px 2px #0002}
.turn{border-left:4px solid #d0d5dd;margin:6px 0;padding:4px 10px;white-space:pre-wrap;
word-break:break-word}.turn.hit{border-color:#e5484d;background:#fff5f5}
.role{font-weight:600;text-transform:uppercase;font-size:11px;color:#667085}
.finding{margin:4px 0 4px 14px;padding:3px 8px;border-radius:4px;background:#fde8e8}
.finding.warning{background:#fff4d6}code{background:#eef0f3;padding:1px 4px;border-radius:3px}
.more{color:#667085}.muted{color:#667085;font-size:12px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}.pair>div{min-width:0}
.exec{background:#f0f7ff;border-radius:4px;padding:4px 8px;white-space:pre-wrap;
word-break:break-word}
.exec.failed{background:#fdf0f0}.ev{font-size:12px;margin-left:14px}
.ev .no{color:#b42318;font-weight:600}.ev .yes{color:#067647}
"""

_MAX_TEXT = 2000


def _short(text: str | None) -> str:
    text = text or ""
    if len(text) > _MAX_TEXT:
        return escape(text[:_MAX_TEXT]) + f'<span class="more">… ({len(text)} chars)</span>'
    return escape(text)


def _finding_html(f: Finding) -> str:
    where = []
    if f.call is not None:
        where.append(f"call {f.call}")
    if f.path:
        where.append(f"<code>{escape(f.path)}</code>")
    loc = f" ({', '.join(where)})" if where else ""
    return (
        f'<div class="finding {f.severity}"><code>{escape(f.code)}</code>{loc}: '
        f"{escape(f.message)}</div>"
    )


def _executed_html(rec: dict[str, Any]) -> str:
    """What the mock answered when the call was executed (exec layer)."""
    ms = rec.get("duration_ms", 0)
    if rec.get("ok"):
        shown = _short(orjson.dumps(rec.get("result")).decode())
        return f'<div class="exec"><b>executed</b> ({ms} ms): {shown}</div>'
    error = _short(rec.get("error"))
    return f'<div class="exec failed"><b>executed: failed</b> ({ms} ms): {error}</div>'


def _evidence_html(items: list[dict[str, Any]]) -> str:
    """The judge's grounding of each argument value."""
    rows = []
    for ev in items:
        mark = (
            '<span class="yes">grounded</span>'
            if ev.get("grounded")
            else '<span class="no">not grounded</span>'
        )
        where = f" in {escape(str(ev['source']))}" if ev.get("source") else ""
        value = escape(orjson.dumps(ev.get("value")).decode()[:120])
        rows.append(
            f"<div class='ev'><code>{escape(str(ev.get('path') or '/'))}</code> = {value}: "
            f"{mark}{where}</div>"
        )
    return "".join(rows)


def _turn_html(
    i: int, turn: Turn, findings: list[Finding], executed: dict[int, dict[str, Any]],
    evidence: list[dict[str, Any]],
) -> str:  # fmt: skip
    body = _short(turn.content)
    if turn.role == "assistant" and i in executed:
        body += _executed_html(executed[i])
    elif turn.role == "tool" and i in executed:
        body = (
            f'<div class="pair"><div><b>dataset</b>: {body}</div>'
            f"<div>{_executed_html(executed[i])}</div></div>"
        )
    if turn.calls:
        calls = []
        for c in turn.calls:
            args: Any = c.arguments if c.arguments is not None else "<undecodable>"
            calls.append(f"{c.name}({orjson.dumps(args).decode()})")
        body = (body + "\n" if body else "") + _short("\n".join(calls))
    cls = "turn hit" if findings else "turn"
    role = turn.role + (f" · {turn.name}" if turn.name else "")
    parts = [f'<div class="{cls}"><div class="role">{i} · {escape(role)}</div>{body}</div>']
    parts.append(_evidence_html([e for e in evidence if e.get("turn") == i]))
    parts.extend(_finding_html(f) for f in findings)
    return "".join(parts)


def sample_html(sample: Sample, result: SampleResult) -> str:
    """One failing (or warned) sample: its dialog with findings under the turns they hit."""
    by_turn: dict[int | None, list[Finding]] = {}
    for f in result.findings:
        key = f.turn if f.turn is not None and 0 <= f.turn < len(sample.turns) else None
        by_turn.setdefault(key, []).append(f)
    tools = ", ".join(escape(t.name) for t in sample.tools) or "none"
    out = [
        f'<section class="sample" id="s{result.index}"><h3>#{result.index} · '
        f"{escape(result.id)} · {result.verdict} · score {result.score}</h3>"
        f'<div class="muted">tools: {tools}</div>'
    ]
    out.extend(_finding_html(f) for f in by_turn.get(None, []))
    records = sample.meta.get("exec") or []
    # beside the tool turn that answered the call; a call nobody answered, under the call
    executed = {
        r["response_turn"] if r.get("response_turn") is not None else r["turn"]: r for r in records
    }
    evidence = (sample.meta.get("judge") or {}).get("evidence") or []
    for i, turn in enumerate(sample.turns):
        out.append(_turn_html(i, turn, by_turn.get(i, []), executed, evidence))
    out.append("</section>\n")
    return "".join(out)


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
        self._doc.finish(self._head(summary), self._tail())

    def _head(self, s: Summary) -> str:
        top = max((n for _, n in s.codes_by_frequency()), default=1)
        rows = []
        for code, n in s.codes_by_frequency():
            info = CODES.get(code)
            ex = s.examples.get(code)
            example = f'<a href="#s{ex.index}">#{ex.index}</a> {escape(ex.message)}' if ex else ""
            rows.append(
                f"<tr><td><code>{escape(code)}</code><div class='muted'>"
                f"{escape(info.meaning if info else '')}</div></td><td>{n}</td>"
                f"<td>{s.samples_by_code[code]}</td><td style='width:160px'><div class='bar' "
                f"style='width:{100 * n / top:.0f}%'></div></td><td>{example}</td></tr>"
            )
        table = "".join(rows) or "<tr><td colspan=5>No findings.</td></tr>"
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>toolproof report</title><style>{_CSS}</style></head><body>"
            f"<header><h1>toolproof verification report</h1><div class='muted'>"
            f"format {escape(s.format or '?')} · toolproof {TOOLPROOF_VERSION}</div></header><main>"
            "<div class='cards'>"
            f"<div class='card'><b>{s.total}</b>samples</div>"
            f"<div class='card'><b>{s.passed}</b>passed</div>"
            f"<div class='card'><b>{s.failed}</b>failed</div>"
            f"<div class='card'><b>{100 * s.pass_rate:.1f}%</b>pass rate</div>"
            + "".join(
                f"<div class='card'><b>{100 * rate:.1f}%</b>{escape(layer)} layer</div>"
                for layer, rate in s.layer_pass_rates().items()
            )
            + "</div>"
            "<h2>Findings by code</h2><table><tr><th>code</th><th>findings</th>"
            f"<th>samples</th><th></th><th>example</th></tr>{table}</table>"
            "<h2>Failing samples</h2>"
        )

    def _tail(self) -> str:
        more = (
            f"<p class='more'>{self._hidden} more failing samples are not shown; "
            "see the results JSONL.</p>"
            if self._hidden
            else ""
        )
        return f"{more}</main></body></html>\n"
