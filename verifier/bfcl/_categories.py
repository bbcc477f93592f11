"""BFCL v4's categories toolproof scores: their names, how each is scored, and its language.

BFCL picks the checker from the category name: names with ``relevance`` are scored by
whether the output decodes to a call at all, names with ``parallel`` by order-free matching
of several calls, names with ``multiple`` by one call chosen among several functions, and
the rest by exactly one call. The language (which type rules apply) comes from ``java`` /
``javascript`` in the name. Keeping that as data here means the checker never parses names.
The multi-turn categories are executed on stateful backends (``multi_turn`` names them
all); ``all`` stays the single-turn set, which needs no backends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from toolspec.errors import ConfigError

Kind = Literal["simple", "multiple", "parallel", "relevance", "irrelevance", "multi_turn"]
Language = Literal["python", "java", "javascript"]


@dataclass(frozen=True, slots=True)
class Category:
    """One BFCL test category: ``name`` as BFCL v4 spells it."""

    name: str
    kind: Kind
    language: Language = "python"
    live: bool = False

    @property
    def has_answers(self) -> bool:
        """Relevance categories have no possible answers: any (or no) call decides."""
        return self.kind not in ("relevance", "irrelevance")


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("simple_python", "simple"),
        Category("simple_java", "simple", "java"),
        Category("simple_javascript", "simple", "javascript"),
        Category("multiple", "multiple"),
        Category("parallel", "parallel"),
        Category("parallel_multiple", "parallel"),
        Category("irrelevance", "irrelevance"),
        Category("live_simple", "simple", live=True),
        Category("live_multiple", "multiple", live=True),
        Category("live_parallel", "parallel", live=True),
        Category("live_parallel_multiple", "parallel", live=True),
        Category("live_irrelevance", "irrelevance", live=True),
        Category("live_relevance", "relevance", live=True),
    )
}
"""Every single-turn category toolproof scores, in BFCL's order."""
MULTI_TURN_CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("multi_turn_base", "multi_turn"),
        Category("multi_turn_miss_func", "multi_turn"),
        Category("multi_turn_miss_param", "multi_turn"),
        Category("multi_turn_long_context", "multi_turn"),
    )
}
"""The multi-turn categories, executed on stateful backends (``verifier.bfcl._mt_run``)."""
GROUPS = {"all": list(CATEGORIES.values()), "multi_turn": list(MULTI_TURN_CATEGORIES.values())}
"""Names that stand for several categories: ``all`` (single-turn) and ``multi_turn``."""


def resolve_categories(name: str) -> list[Category]:
    """A group (``all``, ``multi_turn``) → its categories; a known name → that one; else a
    ConfigError listing them."""
    if name in GROUPS:
        return list(GROUPS[name])
    try:
        return [CATEGORIES.get(name) or MULTI_TURN_CATEGORIES[name]]
    except KeyError:
        known = ", ".join([*GROUPS, *CATEGORIES, *MULTI_TURN_CATEGORIES])
        raise ConfigError(f"unknown BFCL category {name!r}; known: {known}") from None


def category_of_id(entry_id: str) -> Category | None:
    """The category an id such as ``live_simple_3-1-0`` belongs to, if any."""
    head = entry_id.split(":", 1)[0].rsplit("_", 1)[0]
    return CATEGORIES.get(head) or MULTI_TURN_CATEGORIES.get(head)
