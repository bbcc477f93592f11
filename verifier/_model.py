"""The data that flows through the verifier: samples in, findings and results out.

These are slotted dataclasses rather than pydantic models on purpose: the rule layer
handles tens of thousands of samples a second and builds several of these per sample;
``orjson`` serialises dataclasses natively. ``ToolSpec`` (a pydantic model) stays the one
validated model of a tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from toolspec import ToolSpec
from verifier._codes import CODES, Layer, Severity
from verifier._pickling import picklable
from verifier._trace import Trace

Role = Literal["system", "user", "assistant", "tool"]


@picklable
@dataclass(slots=True)
class ToolCall:
    """One call the assistant made. ``arguments`` is None when they could not be decoded."""

    name: str
    arguments: dict[str, Any] | None
    id: str | None = None


@picklable
@dataclass(slots=True)
class Turn:
    """One message of a dialog, normalised across formats.

    For ``assistant`` turns ``calls`` holds the parsed calls; for ``tool`` turns ``name`` and
    ``call_id`` say which call the response answers (when the format records it) and
    ``content`` is the response text as it appears in the dataset.
    """

    role: Role
    content: str | None = None
    calls: list[ToolCall] = field(default_factory=list)
    name: str | None = None
    call_id: str | None = None


@picklable
@dataclass(slots=True)
class Finding:
    """One problem found in a sample; ``path`` is a JSON pointer into the call's arguments."""

    code: str
    message: str
    layer: Layer = "rules"
    severity: Severity = "error"
    turn: int | None = None
    call: int | None = None
    path: str | None = None

    @classmethod
    def of(
        cls,
        code: str,
        message: str,
        *,
        turn: int | None = None,
        call: int | None = None,
        path: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding whose layer and default severity come from the code table."""
        info = CODES[code]
        return cls(
            code=code,
            message=message,
            layer=info.layer,
            severity=severity or info.severity,
            turn=turn,
            call=call,
            path=path,
        )


@picklable
@dataclass(slots=True)
class Sample:
    """One dataset record, read into one shape whatever the format.

    ``findings`` holds what the reader already found (unparsable calls, unreadable parts);
    the layers add theirs and record what they ran in ``trace``. ``meta`` is the reader's:
    what the format says about the record (no tool responses, the tools a system prompt
    lists). ``raw`` keeps the record for reports.
    """

    index: int
    id: str
    format: str
    tools: list[ToolSpec] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    raw: Any = None
    trace: Trace = field(default_factory=Trace)


@picklable
@dataclass(slots=True)
class SampleResult:
    """One line of results JSONL (DESIGN.md): same order as the input, one per record."""

    id: str
    index: int
    verdict: Literal["pass", "fail"]
    score: float
    findings: list[Finding]
    provenance: dict[str, Any]
    trace: Trace = field(default_factory=Trace, compare=False)
    """What the layers ran (for reports); not written to results JSONL."""
