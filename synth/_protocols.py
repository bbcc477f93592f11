"""The seams of the synthesis pipeline: the parts that do I/O, taken as objects.

The pipeline executes every tool turn in a mock, verifies every dialog with all layers
and asks a chat model; ``synth._wiring`` builds those from ``mock_apis`` and
``verifier`` (the executed-mock tool agent, the ``Pipeline`` as verify callable, the
spec and compile checks) and from the judge's chat client. Taking them as these small
types keeps the pipeline testable on plain functions (``tests/synth/synth_fakes.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from toolspec import ToolSpec

#: A spec check: the problems that keep ``spec`` out of the pool (empty when it is fit).
#: A problem may start with its finding code (``"spec.unclear: …"``); the pool's summary
#: counts rejections by that code.
SpecCheck = Callable[[ToolSpec], list[str]]


class ChatModel(Protocol):
    """A chat-completions model: messages in, the answer's text out.

    Raises ``toolspec.errors.JudgeError`` (the client's error) when no answer comes; the
    pipeline counts that as a failed attempt and goes on.
    """

    model: str

    def chat(self, messages: list[dict[str, str]]) -> str: ...


@dataclass(frozen=True, slots=True)
class ToolResult:
    """One executed call: ``ok`` with ``result``, or not ``ok`` with ``error`` (a sentence)."""

    ok: bool
    result: Any = None
    error: str = ""


class ToolSession(Protocol):
    """Mock state for one dialog: calls see what earlier calls of the dialog did."""

    def call_many(self, calls: Sequence[tuple[str, dict[str, Any]]]) -> list[ToolResult]:
        """Execute the calls of one assistant turn, in order."""
        ...

    def close(self) -> None: ...


class ToolAgent(Protocol):
    """The tool agent: executed mocks, never free text."""

    def open(self, specs: Sequence[ToolSpec]) -> ToolSession:
        """A fresh session (empty mock state) on the compiled toolset of ``specs``."""
        ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """Verification of one written record: ``passed`` and the codes of its findings."""

    passed: bool
    codes: list[str] = field(default_factory=list)


class Verify(Protocol):
    """Verifies records exactly as they will be written, in ``format``; one verdict each.

    Records come in windows so that layers doing I/O work on many at once. A verdict
    depends on its record alone: repeated dialogs are the writer's to drop (by digest,
    before they are verified), so a window verified on another machine, or in another
    order, gets the verdicts it would get here.
    """

    def __call__(self, records: Sequence[dict[str, Any]], format: str) -> list[Verdict]: ...
