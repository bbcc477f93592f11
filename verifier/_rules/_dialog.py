"""Dialog checks: role order and the pairing of tool responses with the calls they answer.

Formats without tool responses (xLAM, BFCL) set ``sample.meta["responses"] = False``; then
a call needs no response, but a response still needs a call.

Pairing: a response with a ``call_id`` answers the pending call with that id; without an
id, the first pending call of the same ``name``; without either, the first pending call.
Calls still pending when the next user or assistant turn comes got no response. Calls in
the dialog's *last* turn need none: a dialog that ends on the call is a training sample
whose target is that call (ToolACE and OpenAI fine-tuning data end this way).
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier._model import Finding, Sample, Turn


@dataclass(slots=True)
class _Pending:
    turn: int
    call: int
    name: str
    id: str | None


_ARTICLE = {"assistant": "an", "tool": "a", "user": "a", "system": "a"}


def _structure(msg: str, turn: int | None = None, call: int | None = None) -> Finding:
    return Finding.of("dialog.structure", msg, turn=turn, call=call)


def _mismatch(msg: str, turn: int) -> Finding:
    return Finding.of("dialog.call_mismatch", msg, turn=turn)


def _take(pending: list[_Pending], turn: Turn) -> _Pending | None:
    if turn.call_id is not None:
        for i, p in enumerate(pending):
            if p.id == turn.call_id:
                return pending.pop(i)
        return None
    if turn.name is not None:
        for i, p in enumerate(pending):
            if p.name == turn.name:
                return pending.pop(i)
    return pending.pop(0) if pending else None


def _unanswered(pending: list[_Pending]) -> list[Finding]:
    return [
        _structure(f"the call to `{p.name}` got no tool response", p.turn, p.call) for p in pending
    ]


def _response(
    t: int, turn: Turn, pending: list[_Pending], made_ids: set[str], after_calls: bool
) -> Finding | None:
    """The finding for one tool turn, if any; consumes the call it answers from ``pending``."""
    if turn.call_id is not None and turn.call_id not in made_ids:
        return _mismatch(
            f"the tool response answers call id {turn.call_id!r}, which no call in the dialog has",
            t,
        )
    if not after_calls:
        return _structure(
            "a tool response follows no call: the turn before it is not an "
            "assistant turn with calls",
            t,
        )
    answered = _take(pending, turn)
    if answered is None:
        if turn.call_id is not None:
            return _mismatch(f"call id {turn.call_id!r} is answered more than once", t)
        return _mismatch("there are more tool responses than calls", t)
    if turn.name is not None and turn.name != answered.name:
        return _mismatch(
            f"the tool response is from `{turn.name}` but answers a call to `{answered.name}`",
            t,
        )
    return None


def check_dialog(sample: Sample) -> list[Finding]:
    """``dialog.structure`` and ``dialog.call_mismatch`` findings."""
    turns = sample.turns
    if not turns:
        return [_structure("the dialog has no turns")]
    out: list[Finding] = []
    need_responses = sample.meta.get("responses", True) is not False
    if turns[0].role not in ("user", "system"):
        out.append(
            _structure(
                f"the dialog starts with {_ARTICLE[turns[0].role]} {turns[0].role} turn, "
                "not a user or system turn",
                0,
            )
        )
    has_user = False
    pending: list[_Pending] = []
    made_ids: set[str] = set()
    after_calls = False
    for t, turn in enumerate(turns):
        role = turn.role
        if role == "tool":
            found = _response(t, turn, pending, made_ids, after_calls)
            if found is not None:
                out.append(found)
            continue
        if need_responses and pending:
            out.extend(_unanswered(pending))
        pending = []
        after_calls = role == "assistant" and bool(turn.calls)
        content = turn.content
        empty = not content or content.isspace()
        if role == "user":
            has_user = True
            if empty:
                out.append(_structure("the user turn is empty", t))
        elif role == "assistant":
            if empty and not turn.calls:
                out.append(_structure("the assistant turn is empty: no text and no call", t))
            for c, call in enumerate(turn.calls):
                pending.append(_Pending(t, c, call.name, call.id))
                if call.id is not None:
                    made_ids.add(call.id)
    if not has_user:
        out.append(_structure("the dialog has no user turn"))
    return out
