"""The user and assistant agents of dialog generation (the tool agent is the mock).

:class:`Agents` is the seam: the orchestrator asks the user agent for a request (given
the step the complexity controller planned) and the assistant agent for its next turn
(calls or text) given the dialog so far. :class:`OfflineAgents` answers from templates:
the user states every planned value verbatim, the assistant makes exactly the planned
calls and summarises the executed results. The LLM agents are in ``_llm_agents``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from synth._spec import ToolSpec
from synth._synthesis._controller import Step, resolve_link
from synth._synthesis._dedupe import words
from synth._synthesis._dialog import Message
from synth._synthesis._values import say

CHAT: tuple[tuple[str, str], ...] = (
    ("Thanks, that is all I needed for now.", "You're welcome! Ask me any time."),
    ("What kinds of things can you help me with here?", ""),
    ("Hello! Before we start, what can you do for me?", ""),
    ("Great, thank you for the quick help.", "Glad it helped. Anything else?"),
)
REPLIES = ("Use {value} as the {param}.", "Please use {value} for the {param}.",
           "The {param} is {value}.")  # fmt: skip
#: (opener, closing mark) of a request.
OPENERS = (("Could you", "?"), ("Can you", "?"), ("Please", "."), ("I need you to", "."))


@dataclass(slots=True)
class Turn:
    """The assistant's next turn: calls to execute, or text (an answer or a question)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str | None = None


class Agents(Protocol):
    """User and assistant agents; ``name`` goes into each dialog's provenance."""

    name: str

    def user_request(self, step: Step, tools: Sequence[ToolSpec], rng: random.Random) -> str: ...

    def user_reply(self, param: str, value: Any, rng: random.Random) -> str: ...

    def assistant_turn(
        self,
        step: Step,
        history: Sequence[Message],
        tools: Sequence[ToolSpec],
        rounds: int,
        asked: bool,
        rng: random.Random,
    ) -> Turn:
        """Calls or text; ``rounds`` is the number of call turns already made in this
        step, ``asked`` whether the assistant already asked the user for a value."""
        ...


def describe(spec: ToolSpec) -> str:
    """The tool's first sentence as a request ("search hotel rooms matching …")."""
    text = spec.description.strip().split(". ")[0].rstrip(". ")
    if not text or len(text.split()) > 24:
        text = " ".join(words(spec.name))
    return text[0].lower() + text[1:]


def phrase(args: dict[str, Any], skip: Sequence[str] = ()) -> str:
    parts = [f"{' '.join(words(k))} {say(v)}" for k, v in args.items() if k not in skip]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _with(args: dict[str, Any], skip: Sequence[str] = ()) -> str:
    text = phrase(args, skip)
    return f" Use {text}." if text else ""


def summary(name: str, result: Any) -> str:
    """What the assistant reports of one executed result."""
    if isinstance(result, dict):
        listed = next((v for v in result.values() if isinstance(v, list)), None)
        if listed is not None and len(result) <= 3:
            return f"{name} found {len(listed)} result(s)"
        scalars = [(k, v) for k, v in result.items() if isinstance(v, str | int | float)][:4]
        if scalars:
            shown = (f"{' '.join(words(k))} {str(v).rstrip('.')}" for k, v in scalars)
            return f"{name} returned " + ", ".join(shown)
    if isinstance(result, list):
        return f"{name} returned {len(result)} item(s)"
    return f"{name} returned {result}"


class OfflineAgents:
    """Template agents over the controller's plan; deterministic given the rng."""

    name = "offline"

    def user_request(self, step: Step, tools: Sequence[ToolSpec], rng: random.Random) -> str:
        by_name = {t.name: t for t in tools}
        opener, mark = rng.choice(OPENERS)
        if step.pattern == "non_tool":
            return rng.choice(CHAT)[0]
        if step.pattern == "dependent" and step.link is not None:
            (a_name, a_args), (b_name, b_args) = step.batches[0][0], step.batches[1][0]
            link = " ".join(words(step.link.param))
            rest = phrase(b_args, [step.link.param])
            return (
                f"{opener} {describe(by_name[a_name])}{mark}{_with(a_args)} Then "
                f"{describe(by_name[b_name])}, using the {link} from that result"
                f"{' with ' + rest if rest else ''}."
            )
        if step.pattern == "parallel":
            parts = [
                f"({i}) {describe(by_name[n])}.{_with(a)}"
                for i, (n, a) in enumerate(step.batches[0], start=1)
            ]
            return f"I have {len(parts)} requests, please handle them together. " + " ".join(parts)
        name, args = step.batches[0][0]
        skip = [step.missing] if step.missing else []
        return f"{opener} {describe(by_name[name])}{mark}{_with(args, skip)}"

    def user_reply(self, param: str, value: Any, rng: random.Random) -> str:
        what = " ".join(words(param))
        return rng.choice(REPLIES).format(value=say(value), param=what)

    def assistant_turn(
        self,
        step: Step,
        history: Sequence[Message],
        tools: Sequence[ToolSpec],
        rounds: int,
        asked: bool,
        rng: random.Random,
    ) -> Turn:
        if step.pattern == "non_tool":
            user = history[-1].content or ""
            reply = next((a for u, a in CHAT if u == user and a), "")
            if not reply:
                names = ", ".join(describe(t) for t in tools[:3])
                reply = f"I can help with these tasks: {names}. Tell me what you need."
            return Turn(text=reply)
        if step.pattern == "clarify" and step.missing and not asked:
            spec = next(t for t in tools if t.name == step.batches[0][0][0])
            about = spec.properties.get(step.missing, {}).get("description", "")
            hint = f" ({about.rstrip('.')})" if isinstance(about, str) and about else ""
            return Turn(text=f"Sure. Which {' '.join(words(step.missing))} should I use{hint}?")
        if rounds < len(step.batches):
            calls = list(step.batches[rounds])
            if rounds > 0 and step.link is not None:
                linked = resolve_link(step.link, calls[0], tools, history)
                if linked is None:
                    return Turn()
                calls[0] = linked
            return Turn(calls=calls)
        asked_at = max(i for i, m in enumerate(history) if m.role == "user")
        results = [m for m in history[asked_at:] if m.role == "tool" and m.call is not None]
        text = "; ".join(summary(m.call.name, m.result) for m in results if m.call is not None)
        return Turn(text=f"Done. {text}." if text else "Done.")
