"""The complexity controller: what each dialog asks for, mixing call patterns.

A dialog is one or two *steps*, each a pattern: ``single`` (one call), ``parallel``
(several calls in one assistant turn), ``dependent`` (a second call takes a value from
the first call's output), ``clarify`` (the user leaves out a required value, the
assistant asks, the user answers) and ``non_tool`` (a turn no tool serves). The mix is a
weight per pattern; the plan also fixes every argument value (the user states them).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from synth._importers import import_tool
from synth._spec import ToolSpec
from synth._synthesis._dedupe import words
from synth._synthesis._values import Picker, valid
from synth.errors import ConfigError, SpecError

PATTERNS = ("single", "parallel", "dependent", "clarify", "non_tool")
DEFAULT_MIX: dict[str, float] = {
    "single": 0.3,
    "parallel": 0.2,
    "dependent": 0.2,
    "clarify": 0.15,
    "non_tool": 0.15,
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


class ToolFacts:
    """A tool as the planner needs it: its spec with the importer's format hints."""

    def __init__(self, spec: ToolSpec) -> None:
        self.spec = spec
        try:
            hints = import_tool(spec.to_openai()).hints
        except (SpecError, RecursionError, TypeError, ValueError):  # hostile specs: no hints
            hints = {}
        self.picker = Picker(hints)

    def args(self, rng: random.Random) -> dict[str, Any] | None:
        return self.picker.call(self.spec.parameters, rng)


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

    def plan(self, tools: Sequence[ToolFacts], rng: random.Random) -> list[Step] | None:
        count = rng.randint(1, self.max_steps)
        steps: list[Step] = []
        for _ in range(count * 3):
            if len(steps) == count:
                break
            pattern = rng.choices(self._names, self._weights)[0]
            step = self._step(pattern, tools, rng)
            if step is not None:
                steps.append(step)
        if not any(s.pattern != "non_tool" for s in steps) and len(self._names) > 1:
            return None
        return steps or None

    def _step(self, pattern: str, tools: Sequence[ToolFacts], rng: random.Random) -> Step | None:
        if pattern == "non_tool":
            return Step("non_tool")
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
        if pattern == "parallel":
            batch = [(tool.spec.name, args)]
            for other in rng.sample(list(tools), min(len(tools), 2)):
                more = other.args(rng)
                if more is not None and (other.spec.name, more) not in batch:
                    batch.append((other.spec.name, more))
            return Step("parallel", [batch]) if len(batch) > 1 else None
        return self._dependent(tool, args, tools, rng)

    @staticmethod
    def _dependent(
        first: ToolFacts, args: dict[str, Any], tools: Sequence[ToolFacts], rng: random.Random
    ) -> Step | None:
        """A second tool with a required parameter the first call's output likely holds:
        an identifier of the thing the first tool names, or one of its own inputs."""
        first_words = set(words(first.spec.name))
        by_id: list[tuple[ToolFacts, str]] = []
        by_input: list[tuple[ToolFacts, str]] = []
        for second in tools:
            if second is first:
                continue
            for param in second.spec.required:
                stem = [w for w in words(param) if w not in ("id", "identifier")]
                if len(stem) < len(words(param)) and stem and set(stem) <= first_words:
                    by_id.append((second, param))
                elif param in first.spec.properties:
                    by_input.append((second, param))
        # An identifier the first call creates or finds is the natural link; an echoed
        # input of the first call is the fallback.
        options = by_id or by_input
        if not options:
            return None
        second, param = rng.choice(options)
        more = second.args(rng)
        if more is None:
            return None
        return Step(
            "dependent", [[(first.spec.name, args)], [(second.spec.name, more)]], link=Link(param)
        )


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
    for value in ranked:
        candidate = {**args, link.param: value}
        if valid(value, schema) and valid(candidate, spec.parameters):
            return name, candidate
    return None
