"""The stable finding codes (public contract, see DESIGN.md): code → layer and meaning.

Codes never change meaning; new ones may be added. ``severity`` is the default a check
uses; a check may downgrade a finding to a warning when it is only suspicious.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Layer = Literal["rules", "exec", "judge"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    layer: Layer
    severity: Severity
    meaning: str


_TABLE: tuple[CodeInfo, ...] = (
    CodeInfo(
        "spec.invalid_schema",
        "rules",
        "error",
        "parameters are not a valid JSON Schema (after dialect normalisation)",
    ),
    CodeInfo(
        "spec.unclear",
        "rules",
        "warning",
        "missing, empty or placeholder description of the tool or a parameter, "
        "undocumented required parameter, duplicate tool name",
    ),
    CodeInfo(
        "call.unparsable",
        "rules",
        "error",
        "the assistant's call text cannot be parsed in the sample's call syntax",
    ),
    CodeInfo("call.unknown_tool", "rules", "error", "called name not in the sample's tool list"),
    CodeInfo("call.missing_required", "rules", "error", "a required parameter is absent"),
    CodeInfo(
        "call.unknown_param",
        "rules",
        "error",
        "a parameter the schema does not define (unless it sets additionalProperties)",
    ),
    CodeInfo("call.type_mismatch", "rules", "error", "value type differs from the schema type"),
    CodeInfo("call.enum_violation", "rules", "error", "value outside enum"),
    CodeInfo(
        "call.format_violation",
        "rules",
        "error",
        "pattern, format (date, email, uri, ...) or a format stated in the description is broken",
    ),
    CodeInfo("call.range_violation", "rules", "error", "min/max, length, items bounds broken"),
    CodeInfo(
        "dialog.structure",
        "rules",
        "error",
        "role order broken: call without a tool response, response without a call, empty turns",
    ),
    CodeInfo(
        "dialog.call_mismatch",
        "rules",
        "error",
        "tool response refers to a call that was not made, ids do not match",
    ),
    CodeInfo(
        "sample.unreadable",
        "rules",
        "error",
        "the record is not valid JSON or not in the declared format",
    ),
    CodeInfo(
        "sample.inconsistent",
        "rules",
        "error",
        "parts of the sample disagree (system tool list vs used tools, duplicated sample)",
    ),
    CodeInfo(
        "exec.error", "exec", "error", "the mock raised or returned a structured error for the call"
    ),
    CodeInfo("exec.timeout", "exec", "error", "the call ran past its time limit"),
    CodeInfo(
        "exec.crash",
        "exec",
        "error",
        "the sandbox died (memory, pids, signal); the sandbox is replaced",
    ),
    CodeInfo(
        "exec.response_mismatch",
        "exec",
        "error",
        "the tool response in the dataset contradicts the executed outcome or the "
        "tool's declared output schema",
    ),
    CodeInfo(
        "judge.hallucinated_value",
        "judge",
        "error",
        "an argument value is not grounded in the user's words, system prompt or "
        "earlier tool output",
    ),
    CodeInfo(
        "judge.inconsistent_response",
        "judge",
        "error",
        "the assistant's answer does not follow from the tool outputs or does not serve "
        "the request",
    ),
    CodeInfo(
        "judge.tool_response_mismatch",
        "judge",
        "error",
        "the tool response does not fit the API definition",
    ),
    CodeInfo(
        "judge.unavailable",
        "judge",
        "warning",
        "the judge could not answer (warning; never silently a pass)",
    ),
)

CODES: dict[str, CodeInfo] = {c.code: c for c in _TABLE}
