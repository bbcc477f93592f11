"""JUnit XML: one test case per sample, so CI systems show failing samples natively."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from verifier._model import Sample, SampleResult
from verifier._reports._base import SpooledDocument, report_writer
from verifier._summary import Summary


@report_writer("junit")
class JunitReport:
    def __init__(self, path: Path) -> None:
        self._doc = SpooledDocument(path)

    def add(self, sample: Sample, result: SampleResult) -> None:
        name = quoteattr(f"{result.index}:{result.id}")
        out = self._doc.body
        out.write(f'  <testcase classname="toolproof.{sample.format}" name={name}')
        errors = [f for f in result.findings if f.severity == "error"]
        if not errors:
            out.write("/>\n")
            return
        codes = sorted({f.code for f in errors})
        out.write(f">\n    <failure type={quoteattr(','.join(codes))} ")
        out.write(f"message={quoteattr(errors[0].message[:300])}>")
        for f in result.findings:
            where = f" turn {f.turn}" if f.turn is not None else ""
            where += f" call {f.call}" if f.call is not None else ""
            where += f" at {f.path}" if f.path else ""
            out.write(escape(f"[{f.severity}] {f.code}{where}: {f.message}\n"))
        out.write("</failure>\n  </testcase>\n")

    def close(self, summary: Summary) -> None:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites tests="{summary.total}" failures="{summary.failed}">\n'
            f'<testsuite name="toolproof.verify" tests="{summary.total}" '
            f'failures="{summary.failed}" errors="0" skipped="0">\n'
        )
        self._doc.finish(head, "</testsuite>\n</testsuites>\n")
