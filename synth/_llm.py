"""The LLM generator: ToolACE's requests asked of a chat model, answers parsed as JSON.

The proposer asks for a domain tree, new APIs per leaf, adapted variants and evolved
ones; the agents ask for the user's request (told the values to state) and for the
assistant's next turn (``{"calls": [...]}`` or ``{"answer": "..."}``). A model's answer
is hostile input: text around the JSON, code fences, invalid JSON and wrong shapes are
handled here; an unusable answer is a ``GenerationFailed`` the run counts.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import orjson

from synth._agents import OfflineAgents, Turn
from synth._controller import Step
from synth._dialog import Message
from synth._errors import GenerationFailed
from synth._pool_file import PoolEntry
from synth._propose import DomainTree, register_proposer
from synth._protocols import ChatModel
from toolspec import ToolSpec
from toolspec.errors import ConfigError

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
#: Longest answer parsed (a runaway model cannot cost more).
MAX_ANSWER = 200_000
TOOL_SHAPE = '{"name": str, "description": str, "parameters": JSON Schema object}'


def parse_json(text: str) -> Any:
    """The JSON value in a model's answer (bare, fenced, or inside prose)."""
    text = text[:MAX_ANSWER].strip()
    candidates = [text, *_FENCE.findall(text)]
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if 0 <= start < end:
            candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return orjson.loads(candidate)
        except orjson.JSONDecodeError:
            continue
    raise GenerationFailed("invalid_json", f"the model's answer is not JSON: {text[:120]!r}")


def _ask(model: ChatModel, system: str, user: str) -> str:
    return model.chat([{"role": "system", "content": system}, {"role": "user", "content": user}])


def _tools_of(answer: Any) -> list[Any]:
    if isinstance(answer, dict):
        answer = answer.get("tools", answer.get("apis", [answer]))
    if not isinstance(answer, list):
        raise GenerationFailed("bad_shape", "the model did not answer with a list of tools")
    return answer


def _brief(entry: PoolEntry) -> str:
    return orjson.dumps(
        {"name": entry.name, "description": entry.description, "parameters": entry.parameters}
    ).decode()


def _need(model: ChatModel | None) -> ChatModel:
    if model is None:
        raise ConfigError("the llm generator needs a chat model (an OpenAI-compatible URL)")
    return model


@register_proposer("llm")
class LLMProposer:
    """API pool requests asked of a chat model."""

    name = "llm"
    system = (
        "You design realistic web APIs for a function-calling dataset. Answer with "
        "JSON only, no prose."
    )

    def __init__(self, model: ChatModel | None = None) -> None:
        self.model = _need(model)

    def domain_tree(self, seeds: Sequence[PoolEntry]) -> DomainTree:
        shown = "\n".join(_brief(s) for s in seeds[:20])
        answer = parse_json(
            _ask(
                self.model,
                self.system,
                "From these seed APIs, propose a tree of application domains, each with 2-4 "
                f'sub-domains, as {{"domain": ["sub-domain", ...]}}.\nSeeds:\n{shown}',
            )
        )
        if not isinstance(answer, dict):
            raise GenerationFailed("bad_shape", "the domain tree is not a JSON object")
        tree = {
            str(k): [str(x) for x in v if isinstance(x, str)]
            for k, v in answer.items()
            if isinstance(v, list)
        }
        return {k: v for k, v in tree.items() if v}

    def speciate(
        self, domain: str, leaf: str, examples: Sequence[PoolEntry], rng: random.Random
    ) -> list[Any]:
        shown = "\n".join(_brief(e) for e in examples) or "(none yet)"
        return _tools_of(
            parse_json(
                _ask(
                    self.model,
                    self.system,
                    f"Propose 4 new, distinct APIs for the domain {domain} / {leaf}, each "
                    f"{TOOL_SHAPE}, as a JSON list. Describe every parameter. Existing APIs there:"
                    f"\n{shown}",
                )
            )
        )

    def adapt(self, entry: PoolEntry, rng: random.Random) -> list[Any]:
        return _tools_of(
            parse_json(
                _ask(
                    self.model,
                    self.system,
                    "Adapt this API into 2 variants with a new name each: change parameters, "
                    "types, nesting or constraints (enum, minimum, pattern, format). Answer a "
                    f"JSON list of {TOOL_SHAPE}.\nAPI: {_brief(entry)}",
                )
            )
        )

    def evolve(self, entry: PoolEntry, other: PoolEntry, rng: random.Random) -> list[Any]:
        return _tools_of(
            parse_json(
                _ask(
                    self.model,
                    self.system,
                    "Evolve a new, more capable API that combines ideas of these two. Answer a "
                    f"JSON list with one {TOOL_SHAPE}.\nA: {_brief(entry)}\nB: {_brief(other)}",
                )
            )
        )


def render(history: Sequence[Message]) -> str:
    """The dialog so far, as the assistant model reads it."""
    lines: list[str] = []
    for m in history:
        if m.role == "tool" and m.call is not None:
            lines.append(f"tool {m.call.name} returned: {orjson.dumps(m.result).decode()}")
        elif m.calls:
            shown = [{"name": c.name, "arguments": c.arguments} for c in m.calls]
            lines.append(f"assistant called: {orjson.dumps(shown).decode()}")
        else:
            lines.append(f"{m.role}: {m.content}")
    return "\n".join(lines)


def _calls(answer: Any) -> Turn:
    if not isinstance(answer, dict):
        raise GenerationFailed("bad_shape", "the assistant's answer is not a JSON object")
    text = answer.get("answer")
    if isinstance(text, str) and text.strip():
        return Turn(text=text.strip())
    calls = answer.get("calls")
    if not isinstance(calls, list) or not calls:
        raise GenerationFailed("bad_shape", "the assistant gave neither calls nor an answer")
    out: list[tuple[str, dict[str, Any]]] = []
    for call in calls:
        name = call.get("name") if isinstance(call, dict) else None
        args = call.get("arguments", {}) if isinstance(call, dict) else None
        if not isinstance(name, str) or not isinstance(args, dict):
            raise GenerationFailed("bad_shape", f"a call is not {{name, arguments}}: {call!r:.80}")
        out.append((name, args))
    return Turn(calls=out)


class LLMAgents:
    """User and assistant agents played by a chat model; values come from the plan."""

    name = "llm"

    def __init__(self, model: ChatModel | None) -> None:
        self.model = _need(model)
        self._replies = OfflineAgents()

    def user_request(self, step: Step, tools: Sequence[ToolSpec], rng: random.Random) -> str:
        if step.pattern == "tool_free" and step.foreign is not None:
            spec, args = step.foreign
            task = (
                "Write a short request that none of the tools below can serve: ask to "
                f"{spec.description.rstrip('.')} with {orjson.dumps(args).decode()}."
            )
        elif step.pattern == "non_tool":
            task = (
                "Write a short message that needs no tool (thanks, small talk, a question "
                "about what the assistant can do)."
            )
        else:
            calls = [call for batch in step.batches for call in batch]
            wanted: list[dict[str, Any]] = []
            for i, (name, args) in enumerate(calls):
                hidden = {step.missing}
                if step.link is not None and i == len(calls) - 1:
                    hidden.add(step.link.param)
                values = {k: v for k, v in args.items() if k not in hidden}
                wanted.append({"tool": name, "values": values})
            task = (
                f"Write one natural request that needs these tool uses ({step.pattern}): "
                f"{orjson.dumps(wanted).decode()}. State every value exactly as written."
            )
            if step.link is not None:
                task += f" The {step.link.param} of the last one comes from the first result."
        tools_text = "; ".join(f"{t.name}: {t.description}" for t in tools)
        text = _ask(
            self.model,
            "You play the user talking to an AI assistant with tools. "
            "Write only the user's message.",
            f"Tools: {tools_text}\n{task}",
        ).strip()
        if not text:
            raise GenerationFailed("empty", "the user agent wrote nothing")
        return text

    def user_reply(self, param: str, value: Any, rng: random.Random) -> str:
        return self._replies.user_reply(param, value, rng)

    def assistant_turn(
        self,
        step: Step,
        history: Sequence[Message],
        tools: Sequence[ToolSpec],
        rounds: int,
        asked: bool,
        rng: random.Random,
    ) -> Turn:
        listed = orjson.dumps([t.to_openai()["function"] for t in tools]).decode()
        system = (
            "You are an AI assistant that can call these tools: " + listed + "\nAnswer "
            'with JSON only: {"calls": [{"name": ..., "arguments": {...}}]} to call '
            'tools, or {"answer": "..."} to reply to the user: to ask for a required '
            "value the user has not given, or to answer from the tool results."
        )
        return _calls(
            parse_json(
                self.model.chat(
                    [
                        {"role": "system", "content": system},
                        {"role": "user", "content": render(history)},
                    ]
                )
            )
        )
