"""The offline proposer: deterministic templates over the built-in vocabulary.

Same requests as an LLM gets, answered without one: the domain tree is the built-in
tree restricted to the domains the seeds touch (all of it when they touch few);
speciation fills operation templates with a leaf's things; adaptation adds paging,
sorting, nesting, batching or a date constraint; evolution makes a comparison over
several items or grafts a parameter of another tool. The same seed gives the same pool.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from synth._synthesis._dedupe import words
from synth._synthesis._pool_file import PoolEntry
from synth._synthesis._propose import DomainTree, classify, register_proposer
from synth._synthesis._protocols import ChatModel
from synth._synthesis._vocab import DOMAINS, OPERATIONS, Attr, attribute_schema

#: With fewer seed domains than this, the whole built-in tree is used (diversity).
MIN_DOMAINS = 6


def _text(name: str) -> str:
    return " ".join(words(name))


def _plural(thing: str) -> str:
    return thing + ("es" if thing.endswith(("s", "x", "ch", "sh")) else "s")


def _tool(name: str, description: str, props: dict[str, Any], required: list[str]) -> Any:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": props, "required": required},
        },
    }


def _species(thing: str, attrs: list[Attr], operation: tuple[str, str, str]) -> Any:
    name_t, desc_t, use = operation
    fill = {
        "thing": thing,
        "things": _plural(thing),
        "thing_text": _text(thing),
        "things_text": _text(_plural(thing)),
    }
    name, description = name_t.format(**fill), desc_t.format(**fill)
    if use == "key":
        key = f"{thing}_id"
        props = {key: {"type": "string", "description": f"Identifier of the {_text(thing)}."}}
        return _tool(name, description, props, [key])
    props = {a: attribute_schema(kind, text) for a, kind, text in attrs}
    required = [attrs[0][0]] if use == "filter" else [a for a, _, _ in attrs]
    return _tool(name, description, props, required)


PAGING: dict[str, Any] = {
    "page": {"type": "integer", "minimum": 1, "description": "Page number, from 1."},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 50,
                  "description": "Results per page (at most 50)."},
}  # fmt: skip
SINCE: dict[str, Any] = {
    "since_date": {"type": "string", "format": "date",
                   "description": "Earliest date to include (YYYY-MM-DD)."},
}  # fmt: skip


def _plain_text(schema: Any) -> bool:
    """A free string parameter (no enum, no format): one a batch variant can list."""
    return isinstance(schema, dict) and schema.get("type") == "string" and not (
        {"enum", "format", "pattern"} & set(schema))  # fmt: skip


def _params(entry: PoolEntry) -> tuple[dict[str, Any], list[str]]:
    props = dict(entry.parameters.get("properties") or {})
    req = entry.parameters.get("required")
    return props, [r for r in req if isinstance(r, str)] if isinstance(req, list) else []


@register_proposer("offline")
class OfflineProposer:
    """Template proposals; every choice comes from the ``rng`` the builder passes."""

    name = "offline"

    def __init__(self, model: ChatModel | None = None) -> None:
        del model  # templates need no model

    def domain_tree(self, seeds: Sequence[PoolEntry]) -> DomainTree:
        full = {domain: list(tree) for domain, (_, tree) in DOMAINS.items()}
        touched = {classify(s.name, s.description, full).split("/")[0] for s in seeds}
        touched &= set(full)
        if len(touched) < MIN_DOMAINS:
            return full
        return {d: leaves for d, leaves in full.items() if d in touched}

    def speciate(
        self, domain: str, leaf: str, examples: Sequence[PoolEntry], rng: random.Random
    ) -> list[Any]:
        things = DOMAINS.get(domain, ((), {}))[1].get(leaf, {})
        out = [_species(thing, attrs, op) for thing, attrs in things.items() for op in OPERATIONS]
        rng.shuffle(out)
        return out

    def adapt(self, entry: PoolEntry, rng: random.Random) -> list[Any]:
        props, required = _params(entry)
        base, desc = entry.name, entry.description.rstrip(". ")
        added: list[tuple[str, str, dict[str, Any], list[str]]] = [
            ("paged", "one page of results at a time", PAGING, []),
            ("since", "limited to records since a given date", SINCE, ["since_date"]),
        ]
        if len(props) >= 2:
            sort = {"type": "string", "enum": sorted(props), "description": "Field to sort by."}
            added.append(("sorted", "sorted by a chosen field", {"sort_by": sort}, []))
        out = [
            _tool(f"{base}_{suffix}", f"{desc}, {text}.", {**props, **more}, [*required, *req])
            for suffix, text, more, req in added
            if not set(more) & set(props)
        ]
        optional = {k: v for k, v in props.items() if k not in required}
        if optional and required and "options" not in props:
            kept = {k: v for k, v in props.items() if k in required}
            options = {"type": "object", "properties": optional,
                       "description": "Optional settings of the request."}  # fmt: skip
            out.append(_tool(f"{base}_with_options",
                             f"{desc}; optional settings go in one options object.",
                             {**kept, "options": options}, required))  # fmt: skip
        text_keys = [k for k in required if _plain_text(props.get(k))]
        if text_keys:
            key = rng.choice(text_keys)
            item = {k: v for k, v in props[key].items() if k != "description"}
            listed = {"type": "array", "items": item, "minItems": 1, "maxItems": 5,
                      "description": f"The {_text(key)} values, one to five."}  # fmt: skip
            rest = {k: v for k, v in props.items() if k != key}
            out.append(_tool(f"{base}_batch", f"{desc}, for several {_text(key)} values at once.",
                             {**rest, f"{key}_list": listed},
                             [f"{key}_list" if k == key else k for k in required]))  # fmt: skip
        rng.shuffle(out)
        return out

    def evolve(self, entry: PoolEntry, other: PoolEntry, rng: random.Random) -> list[Any]:
        props, required = _params(entry)
        their_props, _ = _params(other)
        desc = entry.description.rstrip(". ")
        out: list[Any] = []
        graft = sorted(k for k in their_props if k not in props)
        if graft:
            key = rng.choice(graft)
            out.append(
                _tool(
                    f"{entry.name}_by_{key}",
                    f"{desc}. Also takes the {_text(key)}, as {other.name} does.",
                    {**props, key: their_props[key]},
                    [*required, key],
                )
            )
        if required:
            key = required[0]
            item = {k: v for k, v in (props.get(key) or {}).items() if k != "description"}
            out.append(
                _tool(
                    f"compare_{entry.name}",
                    f"Compare the results of {entry.name} for two or more {_text(key)} values "
                    f"and rank them.",
                    {
                        f"{key}_options": {
                            "type": "array",
                            "items": item or {"type": "string"},
                            "minItems": 2,
                            "maxItems": 4,
                            "description": f"The {_text(key)} values to compare.",
                        },
                        "criterion": {
                            "type": "string",
                            "enum": ["best", "cheapest", "closest"],
                            "description": "How to rank the results.",
                        },
                    },
                    [f"{key}_options", "criterion"],
                )
            )
        return out
