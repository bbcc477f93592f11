"""Errors of the synthesis pipeline (under ``ToolproofError``, see ``toolspec.errors``).

ToolproofError
└── GenerationFailed   one attempt (a proposal, a dialog) produced nothing usable;
                       counted by ``reason`` in the run's summary, never fatal
"""

from __future__ import annotations

from toolspec.errors import ToolproofError


class GenerationFailed(ToolproofError):
    """Raised when a generator's answer is unusable (invalid JSON, no call, a failed
    execution); the run counts it by ``reason`` and goes on."""

    code = "synth.generation"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
