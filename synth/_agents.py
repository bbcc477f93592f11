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

from synth._controller import Step, resolve_link
from synth._dedupe import words
from synth._dialog import Message
from synth._phrasing import abilities, phrases, pick, report, request, task
from synth._values import say
from toolspec import ToolSpec


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
    """The tool's job as a request clause ("search hotel rooms matching …")."""
    return task(spec)


class OfflineAgents:
    """Template agents over the controller's plan; deterministic given the rng.

    The user states every planned value except a dependent step's link (that id exists
    only in the first call's output); the assistant makes exactly the planned calls and
    answers in sentences built from what the executed tools returned (``_phrasing``).
    """

    name = "offline"

    def user_request(self, step: Step, tools: Sequence[ToolSpec], rng: random.Random) -> str:
        by_name = {t.name: t for t in tools}
        opener, mark = rng.choice(phrases()["openers"])
        if step.pattern == "non_tool":
            return pick(rng.choice(("thanks", "capability_q")), rng)
        if step.pattern == "tool_free" and step.foreign is not None:
            spec, args = step.foreign
            return f"{opener} {request(spec, args)}{mark}"
        if step.pattern == "dependent" and step.link is not None:
            (a_name, a_args), (b_name, b_args) = step.batches[0][0], step.batches[1][0]
            second = request(by_name[b_name], b_args, [step.link.param])
            entity = " ".join(words(step.link.param.removesuffix("_id")))
            link = pick("link", rng, thing=entity)
            return (
                f"{opener} {request(by_name[a_name], a_args)}{mark} "
                f"{pick('then', rng)} {second} {link}."
            )
        if step.pattern == "parallel":
            parts = [f"({i}) {request(by_name[n], a)}." for i, (n, a) in
                     enumerate(step.batches[0], start=1)]  # fmt: skip
            head = pick("parallel", rng, n=len(parts))
            return f"{head} " + " ".join(parts)
        name, args = step.batches[0][0]
        skip = [step.missing] if step.missing else []
        return f"{opener} {request(by_name[name], args, skip)}{mark}"

    def user_reply(self, param: str, value: Any, rng: random.Random) -> str:
        return pick("replies", rng, value=say(value), param=" ".join(words(param)))

    def assistant_turn(
        self,
        step: Step,
        history: Sequence[Message],
        tools: Sequence[ToolSpec],
        rounds: int,
        asked: bool,
        rng: random.Random,
    ) -> Turn:
        if step.pattern == "tool_free" and step.foreign is not None:
            spec, _ = step.foreign
            what = task(spec)
            return Turn(text=pick("decline", rng, task=what, abilities=abilities(tools, rng)))
        if step.pattern == "non_tool":
            return Turn(text=self._chat(history, tools, rng))
        if step.pattern == "clarify" and step.missing and not asked:
            spec = next(t for t in tools if t.name == step.batches[0][0][0])
            about = spec.properties.get(step.missing, {}).get("description", "")
            hint = f" ({about.rstrip('.')})" if isinstance(about, str) and about else ""
            return Turn(text=pick("ask", rng, param=" ".join(words(step.missing)), hint=hint))
        if rounds < len(step.batches):
            calls = list(step.batches[rounds])
            if rounds > 0 and step.link is not None:
                linked = resolve_link(step.link, calls[0], tools, history)
                if linked is None:
                    return Turn()
                calls[0] = linked
            return Turn(calls=calls)
        asked_at = max(i for i, m in enumerate(history) if m.role == "user")
        by_name = {t.name: t for t in tools}
        said = [
            report(by_name[m.call.name], m.call.arguments, m.result, rng)
            for m in history[asked_at:]
            if m.role == "tool" and m.call is not None and m.call.name in by_name
        ]
        return Turn(text=" ".join(said) + pick("closing", rng) if said else "Done.")

    @staticmethod
    def _chat(history: Sequence[Message], tools: Sequence[ToolSpec], rng: random.Random) -> str:
        """A thanks gets a recap of the last result; a question what the tools can do."""
        user = history[-1].content or ""
        if user in phrases()["thanks"]:
            last = next((m for m in reversed(history) if m.role == "assistant" and m.content), None)
            recap = (last.content or "").split(". ")[0].rstrip(".") + "." if last else ""
            return pick("welcome", rng, recap=f"To recap: {recap[0].lower()}{recap[1:]}"
                        if recap else "")  # fmt: skip
        return pick("capability_a", rng, abilities=abilities(tools, rng))
