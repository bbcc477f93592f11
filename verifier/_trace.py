"""What the layers saw while verifying one sample, typed: the calls the exec layer ran
and the judge's grounding evidence, plus the provenance they add to the result.

Layers write it on ``Sample.trace`` while they run; the pipeline hands it on with the
``SampleResult`` for the reports (the HTML report shows executed answers beside the
dataset's and the judge's evidence under each value). It is not part of a results line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from verifier._pickling import picklable


@picklable
@dataclass(slots=True)
class Evidence:
    """Where one argument value was (or was not) found; the HTML report shows these.

    ``source`` names the place ("user turn 0", "tool output turn 2", "spec default",
    "enum", …); it is None when the value was found nowhere (``grounded`` is False).
    ``plausible`` marks an ungrounded value that may still be derived from the dialog in
    a way a deterministic check cannot follow (a code for a named thing, a relative date,
    a paraphrase); the offline judge reports those as warnings, not errors.
    """

    turn: int
    call: int
    path: str
    value: Any
    grounded: bool
    source: str | None
    detail: str = ""
    plausible: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CallOutcome = Literal["ok", "rejected", "error", "timeout", "crash"]
"""What became of a call: answered; ``rejected`` before it ran (its arguments fail the
argument check, or it names no tool: the rule layer's ``call.*`` findings say why);
or the mock failed, ran past its limit, or its sandbox died (``exec.*``)."""


@picklable
@dataclass(frozen=True, slots=True)
class ExecutedCall:
    """One call as the exec layer handled it: where it is, what became of it, the mock's
    answer or why there is none, how long it took. Every parsed call has one, the calls
    that never ran included (``outcome``)."""

    turn: int
    call: int
    tool: str
    ok: bool
    response_turn: int | None
    duration_ms: float
    result: Any = None
    error: str | None = None
    outcome: CallOutcome = "ok"

    @property
    def shown_turn(self) -> int:
        """Where a report shows it: beside the tool turn that answered it, else the call."""
        return self.response_turn if self.response_turn is not None else self.turn


@picklable
@dataclass(frozen=True, slots=True)
class JudgeTrace:
    """What the judge answered for the sample, and whether it came from its cache."""

    provenance: dict[str, str | None]
    cached: bool
    evidence: tuple[Evidence, ...]


@picklable
@dataclass(slots=True)
class Trace:
    """Everything the layers recorded for one sample."""

    calls: list[ExecutedCall] = field(default_factory=list)
    judge: JudgeTrace | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    """Added to the result's provenance: the mock bundle's hash, the judge and its model."""
