"""The complexity controller: what each dialog asks for, mixing call patterns.

A dialog is one or two *steps*, each a pattern: ``single`` (one call), ``parallel``
(several calls in one assistant turn), ``dependent`` (a second call takes an id that only
the first call's output holds; the user never states it), ``clarify`` (the user leaves
out a required value, the assistant asks, the user answers), ``non_tool`` (a chat turn
after a tool step) and ``tool_free`` (a whole dialog without a call: the user asks for
something no listed tool serves, as in BFCL's irrelevance data and ToolACE's non-tool
dialogs, and the assistant says what it can and cannot do). The mix is a weight per
pattern; the plan also fixes every argument value (the user states them).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from mock_apis import classify_name as classify, singular
from synth._catalogue import catalogue
from synth._dedupe import words
from synth._designs import entity_apis
from synth._values import Picker, valid
from toolspec import ToolSpec, import_tool
from toolspec.errors import ConfigError, SpecError

PATTERNS = ("single", "parallel", "dependent", "clarify", "non_tool", "tool_free")
#: Measured over 1,000 dialogs of a 26,507-tool pool: 21.3 % dependent, 11.7 % tool-free.
DEFAULT_MIX: dict[str, float] = {
    "single": 0.22,
    "parallel": 0.15,
    "dependent": 0.25,
    "clarify": 0.13,
    "non_tool": 0.15,
    "tool_free": 0.1,
}


@dataclass(slots=True)
class Link:
    """Argument ``param`` of the second call is read from the first call's output."""

    param: str


@dataclass(slots=True)
class Step:
    """One user request and the calls that serve it, batch by batch (assistant turns)."""

    pattern: str
    batches: list[list[tuple[str, dict[str, Any]]]] = field(default_factory=list)
    link: Link | None = None
    #: For ``clarify``: the required parameter the user leaves out at first.
    missing: str | None = None
    #: For ``tool_free``: a task of another domain (tool, arguments) nothing here serves.
    foreign: tuple[ToolSpec, dict[str, Any]] | None = None


#: Operations whose output holds the ids of their entity.
PRODUCERS = frozenset(("create", "search", "list"))


class ToolFacts:
    """A tool as the planner needs it: its spec with the importer's format hints (read
    on first use: a pool of 26,507 tools offers most of them in no dialog)."""

    def __init__(self, spec: ToolSpec) -> None:
        self.spec = spec
        self._picker: Picker | None = None

    @property
    def picker(self) -> Picker:
        if self._picker is None:
            try:
                hints = import_tool(self.spec.to_openai()).hints
            except (SpecError, RecursionError, TypeError, ValueError):  # hostile: no hints
                hints = {}
            self._picker = Picker(hints)
        return self._picker

    def args(self, rng: random.Random) -> dict[str, Any] | None:
        return self.picker.call(self.spec.parameters, rng)

    @cached_property
    def usable(self) -> bool:
        """Some valid call exists (checked once: a hostile schema costs one try)."""
        return self.args(random.Random(0)) is not None


@cache
def _foreign_tools(label: str, index: int) -> tuple[ToolFacts, ...]:
    """The plain operations of one catalogue entity, imported once per run."""
    entity = catalogue().entities[label][index]
    plain = ("search", "get", "create", "count")
    return tuple(
        ToolFacts(import_tool(t))
        for t in entity_apis(entity)
        if t["function"]["name"].startswith(plain)
    )


def parse_mix(text: str | dict[str, float] | None) -> dict[str, float]:
    """``"single=2,parallel=1"`` or a dict → weights; unknown patterns fail, listing them."""
    if text is None:
        return dict(DEFAULT_MIX)
    items = (
        text.items()
        if isinstance(text, dict)
        else (part.split("=", 1) for part in text.split(",") if part.strip())
    )
    mix: dict[str, float] = {}
    for item in items:
        name, weight = (str(x).strip() for x in item)
        if name not in PATTERNS:
            raise ConfigError(f"unknown call pattern {name!r}; known: {', '.join(PATTERNS)}")
        try:
            mix[name] = float(weight)
        except ValueError:
            raise ConfigError(f"pattern weight {weight!r} is not a number") from None
    if not any(w > 0 for w in mix.values()) or any(w < 0 for w in mix.values()):
        raise ConfigError("pattern weights must be >= 0 with at least one above 0")
    return mix


class ComplexityController:
    """Plans steps over a toolset; ``plan`` returns None when the toolset cannot serve."""

    def __init__(self, mix: dict[str, float] | None = None, max_steps: int = 2) -> None:
        self.mix = mix or dict(DEFAULT_MIX)
        self.max_steps = max(1, max_steps)
        self._names = [n for n in PATTERNS if self.mix.get(n, 0) > 0]
        self._weights = [self.mix[n] for n in self._names]

    def first_pattern(self, rng: random.Random) -> str:
        """The pattern a dialog starts with (the generator picks a toolset that fits it)."""
        return rng.choices(self._names, self._weights)[0]

    def plan(
        self, tools: Sequence[ToolFacts], rng: random.Random, first: str | None = None
    ) -> list[Step] | None:
        """Steps of one dialog: a tool-free dialog is decided first (it has no tool
        step); chat (``non_tool``) only follows a tool step."""
        first = first or self.first_pattern(rng)
        if first == "tool_free":
            # The offered tools must be usable ones (a dialog offers only working tools).
            if not all(t.usable for t in tools):
                return None
            step = self._foreign(tools, rng)
            return None if step is None else [step]
        if first == "dependent":
            # A toolset without an id to chain fails the attempt (the next attempt draws
            # another toolset) rather than turning into a step of another pattern: the mix
            # holds for what is written.
            step = self._dependent(tools, rng)
            if step is None:
                return None
        count = rng.randint(1, self.max_steps)
        steps: list[Step] = [step] if first == "dependent" and step is not None else []
        pattern = rng.choices(self._names, self._weights)[0] if steps else first
        for _ in range(count * 3):
            if len(steps) == count:
                break
            if pattern not in ("tool_free", "non_tool") or steps:
                step = self._step(pattern, tools, rng)
                if step is not None:
                    steps.append(step)
            pattern = rng.choices(self._names, self._weights)[0]
        return steps if any(s.pattern != "non_tool" for s in steps) else None

    def _foreign(self, tools: Sequence[ToolFacts], rng: random.Random) -> Step | None:
        """A request from another domain of the catalogue, with values to state."""
        mine = {words(t.spec.name)[-1] for t in tools if words(t.spec.name)}
        labels = sorted(catalogue().entities)
        for _ in range(5):
            label = rng.choice(labels)
            index = rng.randrange(len(catalogue().entities[label]))
            entity = catalogue().entities[label][index]
            if words(entity.name)[-1] in mine:
                continue
            facts = rng.choice(_foreign_tools(label, index))
            # Only said, never called: drawn without the schema check a call needs
            # (building a validator per foreign schema was a tenth of generation time).
            args = facts.picker.arguments(facts.spec.parameters, rng)
            return Step("tool_free", foreign=(facts.spec, args))
        return None

    def _step(self, pattern: str, tools: Sequence[ToolFacts], rng: random.Random) -> Step | None:
        if pattern == "non_tool":
            return Step("non_tool")
        if pattern == "tool_free":
            return None
        if pattern == "dependent":
            return self._dependent(tools, rng)
        tool = rng.choice(tools)
        args = tool.args(rng)
        if args is None:
            return None
        if pattern == "single":
            return Step("single", [[(tool.spec.name, args)]])
        if pattern == "clarify":
            required = [r for r in tool.spec.required if r in args]
            if not required:
                return None
            return Step("clarify", [[(tool.spec.name, args)]], missing=rng.choice(required))
        batch = [(tool.spec.name, args)]
        for other in rng.sample(list(tools), min(len(tools), 2)):
            more = other.args(rng)
            if more is not None and (other.spec.name, more) not in batch:
                batch.append((other.spec.name, more))
        return Step("parallel", [batch]) if len(batch) > 1 else None

    @staticmethod
    def _dependent(tools: Sequence[ToolFacts], rng: random.Random) -> Step | None:
        """A first tool that returns an entity's id (a create, search or list of it) and a
        second that takes that id as a required parameter (``order_id`` after
        ``create_order``): the id exists only in the first call's output."""
        pairs = chains(tools)
        if not pairs:
            return None
        first, second, param = rng.choice(pairs)
        args, more = first.args(rng), second.args(rng)
        if args is None or more is None:
            return None
        return Step(
            "dependent", [[(first.spec.name, args)], [(second.spec.name, more)]], link=Link(param)
        )


def chains(tools: Sequence[ToolFacts]) -> list[tuple[ToolFacts, ToolFacts, str]]:
    """(producer, consumer, id parameter) pairs of a toolset, in toolset order."""
    pairs: list[tuple[ToolFacts, ToolFacts, str]] = []
    for first in tools:
        kind, entity = classify(first.spec.name)
        if entity is None:  # the compiler drops generic nouns ("item"): keep them here
            entity = "_".join(singular(w) for w in words(first.spec.name)[1:]) or None
        if kind not in PRODUCERS or entity is None:
            continue
        for second in tools:
            if second is first:
                continue
            for param in second.spec.required:
                if param == f"{entity}_id" and _single(second.spec.properties.get(param)):
                    pairs.append((first, second, param))
    return pairs


def _single(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") in ("string", "integer")


def _leaves(value: Any, key: str = "", depth: int = 0) -> list[tuple[str, Any]]:
    """(key, scalar) for every leaf of an output, depth-first, keys of objects kept."""
    if depth > 6:
        return []
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, str(k), depth + 1)]
    if isinstance(value, list):
        return [leaf for v in value[:20] for leaf in _leaves(v, key, depth + 1)]
    return [(key, value)]


def resolve_link(
    link: Link, call: tuple[str, dict[str, Any]], tools: Sequence[ToolSpec], history: Sequence[Any]
) -> tuple[str, dict[str, Any]] | None:
    """The second call of a dependent step with its linked argument read from the latest
    tool output: a leaf under the same key (else an ``id`` leaf for an ``…_id``
    parameter) whose value the parameter's schema accepts; None when there is none."""
    name, args = call
    spec = next((t for t in tools if t.name == name), None)
    if spec is None:
        return None
    schema = spec.properties.get(link.param, {})
    outputs = [m.result for m in history if getattr(m, "role", None) == "tool"]
    if not outputs:
        return None
    leaves = _leaves(outputs[-1])
    is_id = words(link.param)[-1:] == ["id"]
    ranked = [v for k, v in leaves if k == link.param] + [
        v for k, v in leaves if is_id and k != link.param and words(k)[-1:] == ["id"]
    ]
    # The link must come only from the output: an id the user said earlier (and an
    # earlier call stored) is not one the dialog had to read from a result.
    said = " ".join(
        str(getattr(m, "content", "") or "") for m in history if getattr(m, "role", "") == "user"
    )
    for value in ranked:
        if str(value) in said:
            continue
        candidate = {**args, link.param: value}
        if valid(value, schema) and valid(candidate, spec.parameters):
            return name, candidate
    return None
