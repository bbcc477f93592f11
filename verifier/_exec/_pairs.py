"""Which tool turn answers which call: the pairing rule of the rule layer, as data.

A response with a ``call_id`` answers the pending call with that id; without an id, the
first pending call of the same ``name``; without either, the first pending call. Calls
still pending when the next user or assistant turn comes got no response. (The rule
layer reports the pairing's failures; the exec layer needs the pairs themselves.)
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier._model import Sample, ToolCall


@dataclass(slots=True)
class CallSite:
    """One call of the dialog and the index of the tool turn that answers it, if any."""

    turn: int
    call: int
    tool_call: ToolCall
    response: int | None = None


def pair_calls(sample: Sample) -> list[CallSite]:
    """Every call in dialog order, each with its response turn (or None)."""
    sites: list[CallSite] = []
    pending: list[CallSite] = []
    for t, turn in enumerate(sample.turns):
        if turn.role == "assistant":
            pending = [CallSite(t, c, call) for c, call in enumerate(turn.calls)]
            sites.extend(pending)
        elif turn.role == "tool":
            site = _take(pending, turn.call_id, turn.name)
            if site is not None:
                site.response = t
        elif turn.role == "user":
            pending = []
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
