"""Which tool turn answers which call: the one pairing rule of the rule and exec layers.

The rule layer reports where the pairing fails (``dialog.*``); the exec layer compares
each executed call with the response that answers it. Both walk the dialog with a
:class:`Pairing`:

- A tool turn answers a call of the latest non-tool turn, and only if that turn is an
  assistant turn with calls; a call still unanswered when the next non-tool turn comes
  got no response.
- Among those pending calls, a response with a ``call_id`` answers the call with that
  id; without an id, the first pending call of the same ``name``; without either, the
  first pending call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from verifier._model import Sample, ToolCall, Turn

#: Why a tool turn answers no call: it names an id no call has, no assistant turn with
#: calls comes before it, or every call there was answered already.
Unpaired = Literal["unknown_id", "no_call", "exhausted"]


@dataclass(slots=True)
class CallSite:
    """One call of the dialog and the index of the tool turn that answers it, if any."""

    turn: int
    call: int
    tool_call: ToolCall
    response: int | None = None


class Pairing:
    """The state of a walk through a dialog: the calls a tool turn may answer.

    The caller walks the turns in order, calling :meth:`advance` for a non-tool turn and
    :meth:`answer` for a tool turn (one loop each for the rule and the exec layer, no
    second pass: this is on the rule layer's hot path).
    """

    __slots__ = ("after_calls", "made_ids", "pending")

    def __init__(self) -> None:
        self.pending: list[CallSite] = []
        self.made_ids: set[str] = set()
        self.after_calls = False

    def advance(self, t: int, turn: Turn) -> list[CallSite]:
        """A non-tool turn: returns the calls still pending (they got no response); the
        turn's own calls, if any, are pending from now on (``self.pending``)."""
        left = self.pending
        self.after_calls = turn.role == "assistant" and bool(turn.calls)
        if self.after_calls:
            self.pending = [CallSite(t, c, call) for c, call in enumerate(turn.calls)]
            for call in turn.calls:
                if call.id is not None:
                    self.made_ids.add(call.id)
        elif left:
            self.pending = []
        return left

    def answer(self, t: int, turn: Turn) -> CallSite | Unpaired:
        """A tool turn: the call it answers (its ``response`` is set), or why none."""
        call_id = turn.call_id
        if call_id is not None and call_id not in self.made_ids:
            return "unknown_id"
        if not self.after_calls:
            return "no_call"
        site = _take(self.pending, call_id, turn.name)
        if site is None:
            return "exhausted"
        site.response = t
        return site


def pair_calls(sample: Sample) -> list[CallSite]:
    """Every call in dialog order, each with its response turn (or None)."""
    pairing = Pairing()
    sites: list[CallSite] = []
    for t, turn in enumerate(sample.turns):
        if turn.role == "tool":
            pairing.answer(t, turn)
        else:
            pairing.advance(t, turn)
            sites.extend(pairing.pending)
    return sites


def _take(pending: list[CallSite], call_id: str | None, name: str | None) -> CallSite | None:
    if call_id is not None:
        for i, p in enumerate(pending):
            if p.tool_call.id == call_id:
                return pending.pop(i)
        return None
    if name is not None:
        for i, p in enumerate(pending):
            if p.tool_call.name == name:
                return pending.pop(i)
    return pending.pop(0) if pending else None
