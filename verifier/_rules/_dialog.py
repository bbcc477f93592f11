"""Dialog checks: role order and the pairing of tool responses with the calls they answer.

Formats without tool responses (xLAM, BFCL) set ``sample.meta["responses"] = False``; then
a call needs no response, but a response still needs a call.

Pairing (``verifier._pairing``, the exec layer's too): a tool turn answers a pending call
of the assistant turn before it, by ``call_id``, else by ``name``, else in order. Calls
still pending when the next user or assistant turn comes got no response. Calls in
the dialog's *last* turn need none: a dialog that ends on the call is a training sample
whose target is that call (ToolACE and OpenAI fine-tuning data end this way).
"""

from __future__ import annotations

from verifier._model import Finding, Sample, Turn
from verifier._pairing import CallSite, Pairing, Unpaired

_ARTICLE = {"assistant": "an", "tool": "a", "user": "a", "system": "a"}


def _structure(msg: str, turn: int | None = None, call: int | None = None) -> Finding:
    return Finding.of("dialog.structure", msg, turn=turn, call=call)


def _mismatch(msg: str, turn: int) -> Finding:
    return Finding.of("dialog.call_mismatch", msg, turn=turn)


def _response(t: int, turn: Turn, answered: CallSite | Unpaired) -> Finding | None:
    """The finding for one tool turn, if any."""
    if isinstance(answered, CallSite):
        called = answered.tool_call.name
        if turn.name is not None and turn.name != called:
            return _mismatch(
                f"the tool response is from `{turn.name}` but answers a call to `{called}`", t
            )
        return None
    if answered == "unknown_id":
        return _mismatch(
            f"the tool response answers call id {turn.call_id!r}, which no call in the dialog has",
            t,
        )
    if answered == "no_call":
        return _structure(
            "a tool response follows no call: the turn before it is not an "
            "assistant turn with calls",
            t,
        )
    if turn.call_id is not None:
        return _mismatch(f"call id {turn.call_id!r} is answered more than once", t)
    return _mismatch("there are more tool responses than calls", t)


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
    pairing = Pairing()
    for t, turn in enumerate(turns):
        role = turn.role
        if role == "tool":
            found = _response(t, turn, pairing.answer(t, turn))
            if found is not None:
                out.append(found)
            continue
        # ``advance`` is a no-op for a turn without calls after one without (most turns)
        left = pairing.advance(t, turn) if turn.calls or pairing.after_calls else ()
        if need_responses and left:
            out.extend(
                _structure(f"the call to `{p.tool_call.name}` got no tool response", p.turn, p.call)
                for p in left
            )
        content = turn.content
        empty = not content or content.isspace()
        if role == "user":
            has_user = True
            if empty:
                out.append(_structure("the user turn is empty", t))
        elif role == "assistant" and empty and not turn.calls:
            out.append(_structure("the assistant turn is empty: no text and no call", t))
    if not has_user:
        out.append(_structure("the dialog has no user turn"))
    return out
