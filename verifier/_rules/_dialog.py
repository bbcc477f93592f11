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
from verifier._pairing import Answer, CallSite, pair

_ARTICLE = {"assistant": "an", "tool": "a", "user": "a", "system": "a"}


def _structure(msg: str, turn: int | None = None, call: int | None = None) -> Finding:
    return Finding.of("dialog.structure", msg, turn=turn, call=call)


def _mismatch(msg: str, turn: int) -> Finding:
    return Finding.of("dialog.call_mismatch", msg, turn=turn)


def _response(turn: Turn, answer: Answer) -> Finding | None:
    """The finding for one tool turn, if any."""
    t = answer.turn
    if answer.unpaired == "unknown_id":
        return _mismatch(
            f"the tool response answers call id {turn.call_id!r}, which no call in the dialog has",
            t,
        )
    if answer.unpaired == "no_call":
        return _structure(
            "a tool response follows no call: the turn before it is not an "
            "assistant turn with calls",
            t,
        )
    if answer.site is None:
        if turn.call_id is not None:
            return _mismatch(f"call id {turn.call_id!r} is answered more than once", t)
        return _mismatch("there are more tool responses than calls", t)
    called = answer.site.tool_call.name
    if turn.name is not None and turn.name != called:
        return _mismatch(
            f"the tool response is from `{turn.name}` but answers a call to `{called}`", t
        )
    return None


def _unanswered(sample: Sample, sites: list[CallSite]) -> dict[int, list[Finding]]:
    """``dialog.structure`` for calls without a response, by the turn that ends their wait
    (the next non-tool turn); calls that nothing follows need no response."""
    out: dict[int, list[Finding]] = {}
    turns = sample.turns
    for site in sites:
        if site.response is not None:
            continue
        end = next((t for t in range(site.turn + 1, len(turns)) if turns[t].role != "tool"), None)
        if end is not None:
            msg = f"the call to `{site.tool_call.name}` got no tool response"
            out.setdefault(end, []).append(_structure(msg, site.turn, site.call))
    return out


def check_dialog(sample: Sample) -> list[Finding]:
    """``dialog.structure`` and ``dialog.call_mismatch`` findings."""
    turns = sample.turns
    if not turns:
        return [_structure("the dialog has no turns")]
    out: list[Finding] = []
    pairing = pair(sample)
    answers = {a.turn: a for a in pairing.answers}
    need_responses = sample.meta.get("responses", True) is not False
    unanswered = _unanswered(sample, pairing.sites) if need_responses else {}
    if turns[0].role not in ("user", "system"):
        out.append(
            _structure(
                f"the dialog starts with {_ARTICLE[turns[0].role]} {turns[0].role} turn, "
                "not a user or system turn",
                0,
            )
        )
    has_user = False
    for t, turn in enumerate(turns):
        role = turn.role
        if role == "tool":
            found = _response(turn, answers[t])
            if found is not None:
                out.append(found)
            continue
        out.extend(unanswered.get(t, ()))
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
