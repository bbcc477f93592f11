"""Near-duplicate tools are kept out of the pool: by signature and by text similarity.

Two tools are the same API when their *normalised signatures* agree (name words and the
set of parameter names with their types, case and separators ignored: ``getWeather(city:
string)`` and ``get_weather(City: string)``), or when their texts (name, description,
parameter names and descriptions) share most of their words. A proposal that only
renames a tool, or rewords its description, adds nothing to learn from. Names must also
be unique: a dialog's tool list cannot hold two tools of one name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from synth._spec import ToolSpec

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


class Deduper:
    """Remembers the pool's tools; ``reason(spec)`` says why a new one is a duplicate.

    Text comparison goes through an inverted index of words, so only tools sharing a
    word with the candidate are compared (the pool grows to thousands).
    """

    def __init__(self, threshold: float = TEXT_SIMILARITY) -> None:
        self.threshold = threshold
        self._names: dict[str, str] = {}
        self._signatures: dict[str, str] = {}
        self._texts: list[tuple[str, frozenset[str]]] = []
        self._index: defaultdict[str, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._texts)

    def reason(self, spec: ToolSpec) -> str | None:
        """None when ``spec`` is new; else which pool tool it duplicates and how."""
        if spec.name in self._names:
            return f"the pool already has a tool named `{spec.name}`"
        sig = signature(spec)
        if sig in self._signatures:
            return f"same normalised signature as `{self._signatures[sig]}`"
        mine = text_words(spec)
        counts: defaultdict[int, int] = defaultdict(int)
        for word in mine:
            for i in self._index.get(word, ()):
                counts[i] += 1
        for i, shared in counts.items():
            name, theirs = self._texts[i]
            # Jaccard is at most shared / max(len); skip the division when it cannot pass.
            if shared >= self.threshold * max(len(mine), len(theirs)):
                similarity = jaccard(mine, theirs)
                if similarity >= self.threshold:
                    return f"text {similarity:.0%} similar to `{name}`"
        return None

    def add(self, spec: ToolSpec) -> None:
        self._names[spec.name] = spec.name
        self._signatures.setdefault(signature(spec), spec.name)
        mine = text_words(spec)
        position = len(self._texts)
        self._texts.append((spec.name, mine))
        for word in mine:
            self._index[word].append(position)
