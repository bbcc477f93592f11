"""Wire models: the JSON the HTTP API takes and gives (separate from internal models).

Field limits live here, so they show in ``/openapi.json``; limits that come from settings
(samples per request, tools per toolset) are checked by the routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from toolspec.errors import ConfigError
from verifier import KNOWN_LAYERS, parse_layers, reader_names

Name = Field(min_length=1, max_length=256)
#: ``format``: auto-detection or one reader by name (an unknown name answers 422).
FORMATS = ("auto", *reader_names())


#: ``layers`` of ``POST /v1/jobs`` (query): known names, comma-separated.
LAYERS_PATTERN = "^({0})(,({0}))*$".format("|".join(KNOWN_LAYERS))
_KNOWN = frozenset(KNOWN_LAYERS)


def layers_of(names: Sequence[str]) -> tuple[str, ...]:
    """The layers named, in canonical order; 400 ``config.invalid`` unless each name is
    exactly a known layer, as the API documents them (the CLI's ``parse_layers`` also
    takes spaces and empty items)."""
    if not _KNOWN.issuperset(names):  # every verify request comes here: the cheap test first
        unknown = sorted({repr(n) for n in names if n not in _KNOWN})
        known = ", ".join(KNOWN_LAYERS)
        raise ConfigError(f"unknown layer(s) {', '.join(unknown)}; known layers: {known}")
    return parse_layers(names)


class VerifyRequest(BaseModel):
    """Records as they appear in a dataset file, one per element."""

    model_config = ConfigDict(extra="forbid")

    samples: list[Any] = Field(
        min_length=1,
        description="dataset records, one per element; with format auto, the records must "
        "tell their format (else 422 dataset.invalid), as `toolproof verify` on a file",
    )
    format: str = Field(
        "auto",
        min_length=1,
        max_length=32,
        description="dataset format",
        json_schema_extra={"enum": list(FORMATS)},
    )
    layers: list[str] = Field(
        default_factory=lambda: ["rules"],
        min_length=1,
        max_length=3,
        json_schema_extra={"items": {"type": "string", "enum": list(KNOWN_LAYERS)}},
    )


class FindingWire(BaseModel):
    code: str
    layer: str
    severity: Literal["error", "warning"]
    turn: int | None = None
    call: int | None = None
    path: str | None = None
    message: str


class SampleResultWire(BaseModel):
    """One sample's result, as in results JSONL (DESIGN.md)."""

    id: str
    index: int
    verdict: Literal["pass", "fail"]
    score: float
    findings: list[FindingWire]
    provenance: dict[str, Any]


class VerifyResponse(BaseModel):
    results: list[SampleResultWire]


class JobCreated(BaseModel):
    id: str
    status: str


class JobStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    total: int | None
    rate: float = Field(description="samples per second of the running job")
    eta_s: float | None
    passed: int
    pass_rate: float | None = Field(description="passed / done; null before any result")
    format: str
    layers: list[str]
    error: str | None = None


class JobList(BaseModel):
    jobs: list[JobStatus]


class ToolsetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tools: list[Any] = Field(
        min_length=1,
        description="tool specs (JSON objects) in any known dialect; one no dialect reads "
        "answers 422 spec.invalid",
        json_schema_extra={"items": {"type": "object"}},
    )
    seed: int = Field(0, ge=0, le=2**31 - 1)


class ToolInfo(BaseModel):
    name: str
    kind: str


class ToolErrorWire(BaseModel):
    tool: str
    code: str
    message: str


class ToolsetCreated(BaseModel):
    id: str
    tools: list[ToolInfo]
    errors: list[ToolErrorWire]


class CallRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: str = Name
    arguments: dict[str, Any] = Field(default_factory=dict)
    session: str = Field(
        "default",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="mock state: calls in one session see each other's effects",
    )


class CallResponse(BaseModel):
    result: Any
    session: str


class Health(BaseModel):
    ok: bool
    version: str


class Ready(BaseModel):
    ok: bool
    checks: dict[str, str]


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str


class ToolFinding(BaseModel):
    code: str
    path: str | None = None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with toolproof's stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = None
    instance: str | None = None
    errors: list[ValidationIssue] | None = Field(
        None, description="422 request.invalid: what failed validation (at most 20)"
    )
    checks: dict[str, str] | None = Field(None, description="/readyz: each probe's answer")
    tool: str | None = Field(None, description="a mock call's error: the tool called")
    findings: list[ToolFinding] | None = Field(
        None, description="a mock call's error: its findings (DESIGN.md codes)"
    )
