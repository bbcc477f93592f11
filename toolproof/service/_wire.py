"""Wire models: the JSON the HTTP API takes and gives (separate from internal models).

Field limits live here, so they show in ``/openapi.json``; limits that come from settings
(samples per request, tools per toolset) are checked by the routes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Field(min_length=1, max_length=256)


class VerifyRequest(BaseModel):
    """Records as they appear in a dataset file, one per element."""

    model_config = ConfigDict(extra="forbid")

    samples: list[Any] = Field(min_length=1, description="dataset records, one per element")
    format: str = Field("auto", min_length=1, max_length=32, description="dataset format")
    layers: list[str] = Field(default_factory=lambda: ["rules"], min_length=1, max_length=3)


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

    tools: list[Any] = Field(min_length=1, description="tool specs in any known dialect")
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


class Problem(BaseModel):
    """RFC 9457 problem details, with toolproof's stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = None
    instance: str | None = None
