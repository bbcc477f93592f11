"""Results JSONL: one ``SampleResult`` line per input record, in input order (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from verifier._model import Finding, Sample, SampleResult
from verifier._reports._base import report_writer
from verifier._summary import Summary


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "layer": f.layer,
        "severity": f.severity,
        "turn": f.turn,
        "call": f.call,
        "path": f.path,
        "message": f.message,
    }


def result_dict(r: SampleResult) -> dict[str, Any]:
    """The wire form of a result: field order as DESIGN.md lists it."""
    return {
        "id": r.id,
        "index": r.index,
        "verdict": r.verdict,
        "score": r.score,
        "findings": [finding_dict(f) for f in r.findings],
        "provenance": r.provenance,
    }


def result_line(r: SampleResult) -> bytes:
    return orjson.dumps(result_dict(r), option=orjson.OPT_APPEND_NEWLINE)


def result_from_line(line: bytes) -> SampleResult:
    """A results line read back (:func:`result_line`'s inverse; the trace is not kept)."""
    d = orjson.loads(line)
    return SampleResult(
        id=d["id"],
        index=d["index"],
        verdict=d["verdict"],
        score=d["score"],
        findings=[Finding(**f) for f in d["findings"]],
        provenance=d["provenance"],
    )


@report_writer("jsonl")
class JsonlResults:
    """Writes each result as soon as it is known, so a partial run leaves usable output."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("wb")

    def add(self, sample: Sample, result: SampleResult) -> None:
        self._file.write(result_line(result))

    def close(self, summary: Summary) -> None:
        self._file.close()
