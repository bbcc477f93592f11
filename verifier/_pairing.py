"""Which tool turn answers which call: the one pairing rule of the rule and exec layers.

The rule layer reports where the pairing fails (``dialog.*``); the exec layer compares
each executed call with the response that answers it. Both walk the dialog here:

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

from verifier._model import Sample, ToolCall

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


@dataclass(frozen=True, slots=True)
class Answer:
    """One tool turn: the call it answers, or why it answers none."""

    turn: int
    site: CallSite | None
    unpaired: Unpaired | None = None


@dataclass(frozen=True, slots=True)
class Pairing:
    """Every call in dialog order, and every tool turn in dialog order."""

    sites: list[CallSite]
    answers: list[Answer]


def pair(sample: Sample) -> Pairing:
    """Walk the dialog once, pairing every tool turn with the call it answers."""
    sites: list[CallSite] = []
    answers: list[Answer] = []
    pending: list[CallSite] = []
    made_ids: set[str] = set()
    after_calls = False
    for t, turn in enumerate(sample.turns):
        if turn.role != "tool":
            pending = [CallSite(t, c, call) for c, call in enumerate(turn.calls)]
            sites.extend(pending)
            made_ids.update(call.id for call in turn.calls if call.id is not None)
            after_calls = turn.role == "assistant" and bool(turn.calls)
            if not after_calls:
                pending = []
        elif turn.call_id is not None and turn.call_id not in made_ids:
            answers.append(Answer(t, None, "unknown_id"))
        elif not after_calls:
            answers.append(Answer(t, None, "no_call"))
        else:
            site = _take(pending, turn.call_id, turn.name)
            if site is not None:
                site.response = t
            answers.append(Answer(t, site, None if site is not None else "exhausted"))
    return Pairing(sites, answers)


def pair_calls(sample: Sample) -> list[CallSite]:
    """Every call in dialog order, each with its response turn (or None)."""
    return pair(sample).sites


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
