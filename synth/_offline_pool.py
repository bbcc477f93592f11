"""The offline proposer: an API designer's moves over the built-in catalogue, no model.

The domain tree is the catalogue's (30 domains, 390 sub-domains, as in ToolACE);
speciation gives a sub-domain's entities their operations, adaptation makes one
designer's change to a seed or speciated API, evolution adds a seed's siblings in its
sub-domain (``_designs``). Deterministic: every choice comes from the catalogue's order
or the ``rng`` the builder passes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from synth._catalogue import catalogue
from synth._designs import entity_apis, siblings, variants
from synth._pool_file import PoolEntry
from synth._propose import DomainTree, register_proposer
from synth._protocols import ChatModel


@register_proposer("offline")
class OfflineProposer:
    """Template proposals over the catalogue."""

    name = "offline"
    #: Pool tools adapted and evolved per round: templates answer at once, so rounds are
    #: large (the pool builder's default suits a model that answers slowly).
    per_round = 64

    def __init__(self, model: ChatModel | None = None) -> None:
        del model  # templates need no model

    def domain_tree(self, seeds: Sequence[PoolEntry]) -> DomainTree:
        del seeds  # the catalogue's tree serves every seed set
        return catalogue().tree()

    def speciate(
        self, domain: str, leaf: str, examples: Sequence[PoolEntry], rng: random.Random
    ) -> list[Any]:
        out = [t for e in catalogue().entities.get(f"{domain}/{leaf}", []) for t in entity_apis(e)]
        rng.shuffle(out)
        return out

    def adapt(self, entry: PoolEntry, rng: random.Random) -> list[Any]:
        return variants(entry)

    def evolve(self, entry: PoolEntry, other: PoolEntry, rng: random.Random) -> list[Any]:
        del other  # a sibling comes from the sub-domain's own entities
        return siblings(entry, catalogue().entities.get(entry.domain, []))
