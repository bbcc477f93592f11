"""``MockOutcome``: one mock call's answer, or its findings, whatever ran it.

The generated code answers with an envelope (``{"ok", "result"}`` or ``{"ok": false,
"status", "findings"}``); the sandbox answers with an ``Outcome`` whose failures are
contained errors. Both end here, as finding codes of DESIGN.md: a call the host refuses
before sending it (``rejected``) carries the rule layer's codes for its arguments (HTTP
422) or ``call.unknown_tool`` (404); a mock-level failure such as a deleted id is
``exec.error``, a timeout ``exec.timeout`` (504), a dead sandbox ``exec.crash`` (502).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox import Outcome

SANDBOX_KINDS = {
    "timeout": (504, "exec.timeout"),
    "crash": (502, "exec.crash"),
    "memory": (502, "exec.crash"),
}


@dataclass(frozen=True)
class MockOutcome:
    """``ok`` with ``result``, or not ``ok`` with ``findings`` (dicts: code, path, message);
    ``rejected`` when the host refused the call, so it never ran."""

    ok: bool
    result: Any = None
    status: int = 200
    findings: list[dict[str, str]] = field(default_factory=list)
    duration_ms: float = 0.0
    rejected: bool = False

    @classmethod
    def failure(cls, status: int, code: str, message: str, path: str = "") -> MockOutcome:
        return cls(False, None, status, [{"code": code, "path": path, "message": message}])

    @classmethod
    def refused(cls, status: int, code: str, message: str) -> MockOutcome:
        """A call the host did not send: an unknown tool, arguments that fail their check."""
        finding = {"code": code, "path": "", "message": message}
        return cls(False, None, status, [finding], rejected=True)

    @classmethod
    def from_sandbox(cls, outcome: Outcome) -> MockOutcome:
        """Unwrap a sandbox outcome whose value is the generated code's envelope."""
        ms = outcome.duration_ms
        if not outcome.ok:
            err = outcome.error
            kind = err.kind if err else "crash"
            status, code = SANDBOX_KINDS.get(kind, (500, "exec.error"))
            message = f"{kind}: {err.message}" if err else "the sandbox gave no answer"
            return cls(False, None, status, [{"code": code, "path": "", "message": message}], ms)
        return cls.from_envelope(outcome.value, ms)

    @classmethod
    def from_envelope(cls, envelope: Any, duration_ms: float = 0.0) -> MockOutcome:
        if not isinstance(envelope, dict) or "ok" not in envelope:
            return cls(False, None, 500, [{"code": "exec.error", "path": "",
                                           "message": "the mock answered without an envelope"}],
                       duration_ms)  # fmt: skip
        if envelope["ok"] is True:
            return cls(True, envelope.get("result"), 200, [], duration_ms)
        findings = [f for f in envelope.get("findings") or [] if isinstance(f, dict)]
        return cls(False, None, int(envelope.get("status") or 500), findings, duration_ms)

    @property
    def codes(self) -> list[str]:
        return [str(f.get("code")) for f in self.findings]
