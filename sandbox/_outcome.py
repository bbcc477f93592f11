"""The result of one call in a sandbox: a value or a contained error, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ErrorKind = Literal[
    "compile",  # the bundle does not compile, or a module body raised while loading
    "entry",  # no such entry point in the bundle
    "args",  # the arguments are not a JSON object, or the timeout is not positive
    "raised",  # the code raised an exception
    "result",  # the returned value is not JSON-serialisable
    "output",  # the result is larger than Limits.output_bytes
    "memory",  # the code hit the memory limit (the worker is replaced)
    "timeout",  # the call ran past its wall-clock limit (the worker is replaced)
    "crash",  # the worker died: a signal, the OOM killer, the CPU limit, tampering
]
REPLACING_KINDS: frozenset[str] = frozenset({"memory", "timeout", "crash"})
"""Error kinds after which the worker is killed and replaced (and session state is lost)."""


@dataclass(frozen=True)
class OutcomeError:
    """Why a call failed: ``kind`` is stable; ``type`` names the exception if any."""

    kind: ErrorKind
    message: str
    type: str = ""

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "type": self.type or self.kind, "message": self.message}


@dataclass(frozen=True)
class Outcome:
    """``ok`` with a JSON ``value``, or not ``ok`` with an ``error``; plus what it cost.

    ``resources`` holds ``cpu_ms`` (CPU time inside the worker) and, after a replacement,
    ``replaced: True``.
    """

    ok: bool
    value: Any = None
    error: OutcomeError | None = None
    stdout_tail: str = ""
    duration_ms: float = 0.0
    resources: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def failure(cls, kind: ErrorKind, message: str, *, type: str = "", duration_ms: float = 0.0,
                **resources: Any) -> Outcome:  # fmt: skip
        return cls(False, None, OutcomeError(kind, message, type), "", duration_ms, resources)

    @property
    def replaced_worker(self) -> bool:
        return self.error is not None and self.error.kind in REPLACING_KINDS

    def to_json(self) -> dict[str, Any]:
        """The shape ``toolproof sandbox run`` prints."""
        return {
            "ok": self.ok,
            "value": self.value,
            "error": self.error.to_json() if self.error else None,
            "stdout_tail": self.stdout_tail,
            "duration_ms": round(self.duration_ms, 3),
            "resources": self.resources,
        }
