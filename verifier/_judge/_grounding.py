"""Grounding of argument values in the dialog: where does each value come from?

For a call in assistant turn *t*, the places a value may come from are the system
prompt, the user turns, earlier tool outputs and the assistant's earlier words (the
assistant may propose a value the user then accepts), all before *t*, plus the tool's own
spec (defaults, enum values, boolean flags, the parameter's description). Each value is
looked up in that order and the first place that states it is its evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from verifier._judge import _normalize as nz
from verifier._model import Sample
from verifier._trace import Evidence

#: Values with at least this many content words are free text (a note, an email body):
#: they are grounded when at least half of their words are, since the assistant writes them.
FREE_TEXT_WORDS = 8
FREE_TEXT_SHARE = 0.5
#: Longer string values are cut in the evidence (reports show it; the check saw it all).
MAX_EVIDENCE_CHARS = 300
#: More distinct stated numbers than this and the arithmetic search is skipped (cost).
MAX_OPERANDS = 120
#: Codes for named things: tickers and ISO codes (AAPL, GBP, BR), short lowercase codes
#: (en, fr, us), counts with a unit letter (1d, 5m). Ordinary words are not codes.
_CODE = re.compile(r"(?=[A-Z0-9]*[A-Z])[A-Z0-9]{1,5}|[a-z]{2,3}|\d{1,3}[A-Za-z]{1,2}")
_RELATIVE = re.compile(
    r"\b(today|tomorrow|yesterday|tonight|now|current(?:ly)?|recent(?:ly)?|latest|ago|"
    r"(?:next|last|this|past|coming|previous)\s+\w+|upcoming|weekend)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(r"\s*(?:19|20)\d\d(?:\s*[-/]\s*(?:19|20)?\d\d)?\s*")
_ISO_T = re.compile(r"(?<=\d)T(?=\d)")
_SOURCE_ROLES = {
    "system": "system prompt",
    "user": "user turn",
    "tool": "tool output turn",
    "assistant": "assistant turn",
}


def _apply(x: float, op: str, y: float) -> float | None:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    return x / y if y else None


def forms(word: str) -> set[str]:
    """``word`` and its forms without a plural or tense ending ("mixed" → "mix", "mixe").

    Both sides of a comparison go through this, so "a mix of cases" grounds "mixed" and
    "case"; words of three letters or fewer are left alone.
    """
    out = {word}
    if len(word) > 3:
        for suffix in ("s", "es", "ed", "d", "ing"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                out.add(word[: -len(suffix)])
    return out


class Source:
    """One text a value may be grounded in; its comparable forms are computed on first use.

    Most values are found in the first user turn, so a long system prompt or tool output
    is often never normalised at all.
    """

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.text = text

    @cached_property
    def norm(self) -> str:
        """The normalised text padded with spaces, so `` x `` finds whole words only."""
        return f" {nz.norm(self.text)} "

    @cached_property
    def compact(self) -> str:
        return self.norm.replace(" ", "")

    @cached_property
    def words(self) -> set[str]:
        """The source's words with their simple inflections stripped (see ``forms``)."""
        return {f for w in self.norm.split() for f in forms(w)}

    @cached_property
    def numbers(self) -> set[float]:
        return nz.numbers(self.text)

    @cached_property
    def dates(self) -> set[nz.Date]:
        return nz.dates(self.text)

    @cached_property
    def times(self) -> set[tuple[int, int]]:
        return nz.times(self.text)

    def has_number(self, value: float) -> bool:
        return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for n in self.numbers)

    def has_date(self, date: nz.Date) -> bool:
        """The exact date, or its month and day stated without a year, or its month."""
        y, m, d = date
        ds = self.dates
        return date in ds or (None, m, d) in ds or (d == 0 and any(x[:2] == (y, m) for x in ds))

    def has_time(self, hm: tuple[int, int]) -> bool:
        return hm in self.times


def dialog_sources(sample: Sample) -> list[Source]:
    """One source per turn with text (tool calls themselves are not sources)."""
    out: list[Source] = []
    for i, turn in enumerate(sample.turns):
        if turn.content and turn.content.strip():
            label = _SOURCE_ROLES[turn.role]
            out.append(Source(label if turn.role == "system" else f"{label} {i}", turn.content))
    return out


def sources_before(sample: Sample, all_sources: list[Source], turn: int) -> list[Source]:
    """The sources a call in ``turn`` may use: system prompts anywhere, other turns before."""
    keep: list[Source] = []
    for src in all_sources:
        if src.label == "system prompt":
            keep.append(src)
            continue
        idx = int(src.label.rsplit(" ", 1)[1])
        if idx < turn:
            keep.append(src)
    # The user's words first, then tool outputs, the system prompt, the assistant's words.
    order = {"user": 0, "tool": 1, "system": 2, "assistant": 3}
    return sorted(keep, key=lambda s: order[s.label.split(" ", 1)[0]])


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of ``value`` with its JSON pointer (RFC 6901), depth first, in order.

    Iterative, so hostile nesting cannot exhaust the stack; an empty object or list is a
    leaf of its own (there is nothing inside it to ground).
    """
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict) and node:
            stack.extend(
                (f"{where}/{str(k).replace('~', '~0').replace('/', '~1')}", v)
                for k, v in reversed(node.items())
            )
        elif isinstance(node, list) and node:
            stack.extend((f"{where}/{i}", v) for i, v in reversed(list(enumerate(node))))
        else:
            yield where, node


def schema_at(parameters: dict[str, Any], path: str) -> dict[str, Any]:
    """The sub-schema a JSON pointer into the arguments lands in ({} when unknown)."""
    node: Any = parameters
    for raw in path.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict):
            return {}
        props = node.get("properties")
        if isinstance(props, dict) and key in props:
            node = props[key]
        elif key.isdigit() and isinstance(node.get("items"), dict):
            node = node["items"]
        else:
            return {}
    return node if isinstance(node, dict) else {}


@dataclass(slots=True)
class SpecFacts:
    """What a tool's spec says about one argument path."""

    default: Any
    has_default: bool
    enum: list[Any]
    type: Any
    description: str

    @classmethod
    def of(cls, schema: dict[str, Any], tool_description: str) -> SpecFacts:
        enum = schema.get("enum")
        desc = schema.get("description")
        return cls(
            default=schema.get("default"),
            has_default="default" in schema,
            enum=list(enum) if isinstance(enum, list) else [],
            type=schema.get("type"),
            description=" ".join(
                x for x in (desc if isinstance(desc, str) else "", tool_description) if x
            ),
        )


class Grounder:
    """Grounds the leaves of one call's arguments in the sources it may use."""

    def __init__(self, sources: list[Source], spec: SpecFacts, turn: int, call: int) -> None:
        self.sources = sources
        self.spec = spec
        self.turn = turn
        self.call = call

    @cached_property
    def spec_source(self) -> Source:
        return Source("spec description", self.spec.description)

    def ground(self, path: str, value: Any) -> Evidence:
        found, source, detail = self._find(value)
        plausible = False
        if not found:
            plausible, why = self._plausible(value, detail)
            detail = f"{detail}; {why}" if why else detail
        if isinstance(value, str) and len(value) > MAX_EVIDENCE_CHARS:
            value = f"{value[:MAX_EVIDENCE_CHARS]}… [{len(value)} characters]"
        return Evidence(self.turn, self.call, path, value, found, source, detail, plausible)

    def _plausible(self, value: Any, detail: str) -> tuple[bool, str]:
        """Whether an ungrounded value may be derived in a way words cannot show, and how."""
        if isinstance(value, str):
            if _CODE.fullmatch(value.strip()):
                return True, "may be a code for something named in the dialog"
            if nz.looks_like_date(value) or nz.looks_like_time(value) or _YEARS.fullmatch(value):
                said = self._relative_words()
                if said:
                    return True, f"may resolve the relative date {said!r}"
            elif detail.startswith("not found:"):
                words = [w for w in nz.norm(value).split() if w not in nz.STOPWORDS]
                missing = detail.removeprefix("not found: ").split(", ")
                if len(words) >= 2 and len(missing) < len(words):
                    return True, "partly grounded, may be a paraphrase"
        return False, ""

    def _relative_words(self) -> str | None:
        for src in self.sources:
            if src.label.startswith(("user", "system")):
                m = _RELATIVE.search(src.text)
                if m:
                    return m.group(0)
        return None

    def _find(self, value: Any) -> tuple[bool, str | None, str]:
        if value is None or value == "" or isinstance(value, bool):
            kind = "empty value" if not isinstance(value, bool) else "boolean flag"
            return True, "spec", f"{kind}: nothing to ground"
        if isinstance(value, float) and not math.isfinite(value):
            return False, None, f"{value} is not a number anyone states"
        if self.spec.has_default and value == self.spec.default:
            return True, "spec default", ""
        if value in self.spec.enum:
            return True, "enum", ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return self._number(float(value))
            except OverflowError:  # an integer beyond float range: compare its digits
                pass
        if isinstance(value, (dict, list)):
            return True, "spec", "empty container: nothing to ground"
        text = str(value) if not isinstance(value, int) else format(value, "d")
        return self._text(text)

    def _number(self, value: float) -> tuple[bool, str | None, str]:
        for src in [*self.sources, self.spec_source]:
            if src.has_number(value):
                return True, src.label, ""
        return self._computed(value) or (False, None, f"number {value:g} is stated nowhere")

    def _computed(self, value: float) -> tuple[bool, str | None, str] | None:
        """``value`` as the sum, difference, product or quotient of two numbers the user
        stated ("£500,000 with a £100,000 deposit" grounds a loan of 400000). Only the
        user's numbers: tool outputs hold so many that their products would ground anything.
        """
        stated: dict[float, str] = {}
        for src in self.sources:
            if src.label.startswith("user"):
                for n in src.numbers:
                    stated.setdefault(n, src.label)
        if len(stated) > MAX_OPERANDS:
            return None
        items = list(stated.items())
        for i, (a, la) in enumerate(items):
            for b, lb in items[i + 1 :]:
                for x, op, y in (
                    (a, "+", b),
                    (a, "-", b),
                    (b, "-", a),
                    (a, "*", b),
                    (a, "/", b),
                    (b, "/", a),
                ):
                    result = _apply(x, op, y)
                    if result is not None and math.isclose(value, result, rel_tol=1e-9):
                        where = la if la == lb else f"{la} and {lb}"
                        return True, where, f"computed: {x:g} {op} {y:g}"
        return None

    def _text(self, text: str) -> tuple[bool, str | None, str]:
        words = nz.norm(text)
        if not words:
            return True, "spec", "no words to ground"
        pool = [*self.sources, self.spec_source]
        for src in pool:
            if f" {words} " in src.norm:
                return True, src.label, ""
        compact = words.replace(" ", "")
        if len(compact) >= 6:
            for src in pool:
                if compact in src.compact:
                    return True, src.label, "spelled without spaces"
        if nz.looks_like_date(text):
            return self._date(text, pool)
        if nz.looks_like_time(text):
            wanted = nz.times(text)
            for src in pool:
                if wanted and all(src.has_time(t) for t in wanted):
                    return True, src.label, "same clock time"
            return False, None, "no source states this time"
        content = [w for w in words.split() if w not in nz.STOPWORDS]
        missing = [w for w in content if not self._word_known(w, pool)]
        if not missing:
            return True, self._first_with(content, pool), "every word found"
        if len(content) >= FREE_TEXT_WORDS and len(missing) <= len(content) * FREE_TEXT_SHARE:
            share = f"{len(content) - len(missing)} of {len(content)} words found"
            return True, self._first_with(content, pool), share
        return False, None, "not found: " + ", ".join(dict.fromkeys(missing))

    @staticmethod
    def _word_known(word: str, pool: list[Source]) -> bool:
        stems = forms(word)
        if any(stems & src.words for src in pool):
            return True
        number = nz.numbers(word)
        return bool(number) and all(any(s.has_number(n) for s in pool) for n in number)

    @staticmethod
    def _first_with(content: list[str], pool: list[Source]) -> str:
        labels = [s.label for s in pool if set(content) & s.words]
        return ", ".join(dict.fromkeys(labels)) or pool[0].label

    def _date(self, text: str, pool: list[Source]) -> tuple[bool, str | None, str]:
        readings = nz.dates(text)
        clock = nz.times(_ISO_T.sub(" ", text))
        clock.discard((0, 0))
        for src in pool:
            if any(src.has_date(d) for d in readings) and all(src.has_time(t) for t in clock):
                year_stated = any(d in src.dates for d in readings)
                return True, src.label, "" if year_stated else "month and day; year not stated"
        return False, None, "no source states this date" + (" and time" if clock else "")
