"""Near-duplicate tools are kept out of the pool: by signature and by text similarity.

Two tools are the same API when their *normalised signatures* agree (name words and the
set of parameter names with their types, case and separators ignored: ``getWeather(city:
string)`` and ``get_weather(City: string)``), or when they do the same operation on the same
entity (by their names: a count of orders is neither a search of orders nor a count of
invoices) and their texts (name, description, parameter
names and descriptions) share most of their words. A proposal that only
renames a tool, or rewords its description, adds nothing to learn from. Names must also
be unique: a dialog's tool list cannot hold two tools of one name.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from mock_apis import classify_name as classify
from toolspec import ToolSpec

#: Word-set Jaccard similarity at or above which two tools' texts are duplicates.
TEXT_SIMILARITY = 0.8
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "by",
        "and",
        "or",
        "with",
        "is",
        "be",
        "it",
        "its",
        "this",
        "that",
        "given",
        "from",
        "as",
        "at",
    }
)


def words(text: str) -> list[str]:
    """Lower-case words of ``text``; camelCase and snake_case split."""
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def _type_of(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    kind = schema.get("type", "any")
    return "|".join(sorted(map(str, kind))) if isinstance(kind, list) else str(kind)


def signature(spec: ToolSpec) -> str:
    """``get weather(city:string,unit:string)`` with words and parameters normalised."""
    params = sorted(f"{'_'.join(words(k))}:{_type_of(v)}" for k, v in spec.properties.items())
    return f"{' '.join(words(spec.name))}({','.join(params)})"


def text_words(spec: ToolSpec) -> frozenset[str]:
    parts = [spec.name, spec.description]
    for key, sub in spec.properties.items():
        parts.append(key)
        if isinstance(sub, dict) and isinstance(sub.get("description"), str):
            parts.append(sub["description"])
    return frozenset(w for w in words(" ".join(parts)) if w not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def operation(name: str) -> str:
    """What a tool name says it does to what: ``search:hotel`` for ``find_hotels`` and
    ``searchHotels`` (the compiler's verb kinds and entity), ``count:order`` for
    ``count_orders``."""
    kind, entity = classify(name)
    if kind == "action":
        first = words(name.rsplit(".", 1)[-1])[:1]
        kind = first[0] if first else ""
        _, entity = classify("get_" + "_".join(words(name.rsplit(".", 1)[-1])[1:]))
    return f"{kind}:{entity or ''}"


def prefix_length(size: int, threshold: float) -> int:
    """Words of a set that must be indexed so that any set ``threshold``-similar to it
    shares one of them (prefix filtering): ``size - ceil(threshold * size) + 1``."""
    return size - math.ceil(threshold * size - 1e-9) + 1


class Deduper:
    """Remembers the pool's tools; ``reason(spec)`` says why a new one is a duplicate.

    Text comparison uses prefix filtering (Chaudhuri et al., 2006): each tool's words are
    sorted by a fixed global order, rare words first, and only the first
    ``prefix_length`` of them are indexed and probed. Two sets whose Jaccard similarity
    reaches the threshold always share a prefix word, so no duplicate is missed, while
    common words ("get", "id") rarely enter a prefix: candidates stay few and the check
    is sub-quadratic (26,507 tools: seconds, not the hours of comparing all pairs).
    ``rank`` gives a word's place in the order (lower is rarer); the default is a hash.
    """

    def __init__(
        self,
        threshold: float = TEXT_SIMILARITY,
        rank: Callable[[str], tuple[int, int]] | None = None,
    ) -> None:
        self.threshold = threshold
        self._rank = rank or _hash_rank
        self._names: dict[str, str] = {}
        self._signatures: dict[str, str] = {}
        self._texts: list[tuple[str, frozenset[str], str]] = []
        self._index: defaultdict[str, list[int]] = defaultdict(list)
        #: Candidate pairs compared in full (the cost the prefix filter keeps down).
        self.compared = 0

    def __len__(self) -> int:
        return len(self._texts)

    def _prefix(self, mine: frozenset[str]) -> list[str]:
        ordered = sorted(mine, key=self._rank)
        return ordered[: prefix_length(len(ordered), self.threshold)]

    def reason(self, spec: ToolSpec) -> str | None:
        """None when ``spec`` is new; else which pool tool it duplicates and how."""
        if spec.name in self._names:
            return f"the pool already has a tool named `{spec.name}`"
        sig = signature(spec)
        if sig in self._signatures:
            return f"same normalised signature as `{self._signatures[sig]}`"
        mine = text_words(spec)
        kind = operation(spec.name)
        seen: set[int] = set()
        for word in self._prefix(mine):
            for i in self._index.get(word, ()):
                if i in seen:
                    continue
                seen.add(i)
                name, theirs, their_kind = self._texts[i]
                if their_kind != kind:
                    continue  # another operation or entity (count vs search) is another API
                # Jaccard is at most min/max of the sizes; skip what cannot pass.
                if min(len(mine), len(theirs)) < self.threshold * max(len(mine), len(theirs)):
                    continue
                self.compared += 1
                similarity = jaccard(mine, theirs)
                if similarity >= self.threshold:
                    return f"text {similarity:.0%} similar to `{name}`"
        return None

    def add(self, spec: ToolSpec) -> None:
        self._names[spec.name] = spec.name
        self._signatures.setdefault(signature(spec), spec.name)
        mine = text_words(spec)
        position = len(self._texts)
        self._texts.append((spec.name, mine, operation(spec.name)))
        for word in self._prefix(mine):
            self._index[word].append(position)


def _hash_rank(word: str) -> tuple[int, int]:
    return (0, zlib.crc32(word.encode()))
