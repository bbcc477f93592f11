"""The proposer seam of API pool self-evolution, its registry, and domain labelling.

ToolACE grows its API pool in steps, each a request to a model: a domain tree from the
seeds, new APIs per leaf (speciation), variants of an API (adaptation: parameters,
types, nesting, constraints) and new APIs mixed from others (evolution). A
:class:`Proposer` answers those requests with raw tool objects in any dialect the
importers read; what it proposes is only a candidate: the pool builder imports, checks,
deduplicates and compiles each one before it joins.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Protocol, TypeVar

from synth._catalogue import catalogue
from synth._dedupe import words
from synth._pool_file import PoolEntry
from synth._protocols import ChatModel
from toolspec.registry import Registry

#: A domain tree: domain → its leaves (sub-domains).
DomainTree = dict[str, list[str]]


class Proposer(Protocol):
    """Proposes candidate tools; each method returns raw tool objects (maybe none)."""

    name: str

    def domain_tree(self, seeds: Sequence[PoolEntry]) -> DomainTree: ...

    def speciate(
        self, domain: str, leaf: str, examples: Sequence[PoolEntry], rng: random.Random
    ) -> list[Any]: ...

    def adapt(self, entry: PoolEntry, rng: random.Random) -> list[Any]: ...

    def evolve(self, entry: PoolEntry, other: PoolEntry, rng: random.Random) -> list[Any]: ...


@cache
def _leaf_words() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """label → (its domain's keywords and name, the leaf's name, entity and field words)."""
    cat = catalogue()
    out: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for label, entities in cat.entities.items():
        domain, leaf = label.split("/")
        base = frozenset(cat.keywords[domain]) | frozenset(words(domain))
        own = {w for e in entities for w in words(e.name)} | set(words(leaf))
        out[label] = (base, frozenset(own))
    return out


def classify(name: str, description: str, tree: DomainTree) -> str:
    """``domain/leaf`` of ``tree`` that shares most words with the tool (the catalogue's
    keywords and entities count for its leaves); ``general/misc`` when nothing matches."""
    mine = set(words(f"{name} {description}"))
    known = _leaf_words()
    best, best_score = "general/misc", 0
    for domain, leaves in tree.items():
        for leaf in leaves or ["misc"]:
            base, own = known.get(f"{domain}/{leaf}", (frozenset(words(domain)), frozenset()))
            score = len(mine & base) * 2 + len(mine & (own | set(words(leaf)))) * 3
            if score > best_score:
                best, best_score = f"{domain}/{leaf}", score
    return best


#: Builds a proposer; the model is None for generators that need none.
ProposerFactory = Callable[[ChatModel | None], Proposer]
#: The built-ins register themselves when their module loads (``synth`` exports lazily).
PROPOSERS: Registry[ProposerFactory] = Registry(
    "unknown proposer {name}; known proposers: {known}",
    lazy={"offline": "synth._offline_pool", "llm": "synth._llm"},
)
P = TypeVar("P", bound=ProposerFactory)


def register_proposer(name: str) -> Callable[[P], P]:
    return PROPOSERS.register(name)


def proposer_names() -> list[str]:
    return PROPOSERS.names()


def make_proposer(name: str, *, model: ChatModel | None = None) -> Proposer:
    """``offline`` or ``llm`` (which needs ``model``); unknown names list the known ones."""
    return PROPOSERS.get(name)(model)
