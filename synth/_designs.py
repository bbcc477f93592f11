"""What an API designer adds to a catalogue, as templates: the offline proposer's answers.

Speciation gives each entity of a sub-domain the operations a real service offers on it
(search, get, create, count, export, compare, watch, summarise, history), with parameters that are
the entity's own fields. Adaptation makes exactly one designer's change to a seed or a
speciated API, never to a derived one (so modifiers never stack): a list variant of a
get, pagination or a date filter on a search, a batch form of a get, update, archive,
restore and delete for an entity that can be created. Evolution adds a seed's sibling:
the get-by-id of what its search returns, the search of what its get fetches, else the
same operation on another entity of its sub-domain. Names stay within five words; descriptions say
what the API does, not how it was made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mock_apis import classify_name as classify
from synth._catalogue import Entity, field_schema, id_schema, plural, text
from synth._pool_file import PoolEntry

#: Longest tool name, in words.
MAX_WORDS = 5
#: Origins whose tools may be adapted or evolved (derived tools are never parents).
PARENTS = frozenset(("seed", "speciation"))
PAGE: dict[str, Any] = {
    "page": {"type": "integer", "minimum": 1, "description": "Page number, from 1."},
    "page_size": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "description": "Results per page (at most 100).",
    },
}
SINCE: dict[str, Any] = {
    "since_date": {
        "type": "string",
        "format": "date",
        "description": "Earliest creation date to include (YYYY-MM-DD).",
    },
}


def tool(name: str, description: str, props: dict[str, Any], required: list[str]) -> Any:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": props, "required": required},
        },
    }


def a(noun: str) -> str:
    """``a budget``, ``an order``."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _fits(name: str) -> bool:
    return len(name.split("_")) <= MAX_WORDS


def _listed(names: list[str]) -> str:
    shown = [text(n) for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _id_key(thing: str) -> str:
    return f"{thing}_id"


def _id(thing: str) -> dict[str, Any]:
    return id_schema(thing, f"Id of the {text(thing)}")


def _fields(entity: Entity) -> dict[str, Any]:
    return {f: field_schema(f, entity.name) for f in entity.fields}


def _search(e: Entity) -> Any:
    things = text(plural(e.name))
    return tool(
        f"search_{plural(e.name)}",
        f"Search {things} by {_listed(list(e.fields))}; returns the matching {things} "
        "with their ids.",
        _fields(e),
        [e.fields[0]],
    )


def _get(e: Entity) -> Any:
    return tool(
        f"get_{e.name}",
        f"Get one {text(e.name)} by its id, with its {_listed(list(e.fields))}.",
        {_id_key(e.name): _id(e.name)},
        [_id_key(e.name)],
    )


def _create(e: Entity) -> Any:
    return tool(
        f"create_{e.name}",
        f"Create {a(text(e.name))} from its {_listed(list(e.fields))}; returns the id "
        f"of the new {text(e.name)}.",
        _fields(e),
        list(e.fields),
    )


def _count(e: Entity) -> Any:
    return tool(
        f"count_{plural(e.name)}",
        f"Count the {text(plural(e.name))} with a given {text(e.fields[0])}, without listing them.",
        _fields(e),
        [e.fields[0]],
    )


def _export(e: Entity) -> Any:
    props = {
        "start_date": field_schema("start_date", e.name),
        "end_date": field_schema("end_date", e.name),
        "format": {
            "type": "string",
            "enum": ["csv", "json", "xlsx"],
            "description": "File format of the export.",
        },
        e.fields[0]: field_schema(e.fields[0], e.name),
    }
    return tool(
        f"export_{plural(e.name)}",
        f"Export the {text(plural(e.name))} recorded between two dates, with their "
        f"{_listed(list(e.fields))}, as a CSV, JSON or Excel file; returns a download "
        "link.",
        props,
        ["start_date", "end_date", "format"],
    )


def _compare(e: Entity) -> Any:
    item = {k: v for k, v in _id(e.name).items() if k != "description"}
    ids = {
        "type": "array",
        "items": item,
        "minItems": 2,
        "maxItems": 5,
        "description": f"Ids of the {text(plural(e.name))} to compare (two to five).",
    }
    return tool(
        f"compare_{plural(e.name)}",
        f"Compare two to five {text(plural(e.name))} side by side on their "
        f"{_listed(list(e.fields))}.",
        {f"{e.name}_ids": ids},
        [f"{e.name}_ids"],
    )


def _watch(e: Entity) -> Any:
    props = {_id_key(e.name): _id(e.name), "notify_email": field_schema("notify_email", e.name)}
    return tool(
        f"watch_{e.name}",
        f"Email a notification whenever the {_listed(list(e.fields))} of "
        f"{a(text(e.name))} change; returns the subscription.",
        props,
        list(props),
    )


def _summarize(e: Entity) -> Any:
    props = {"month": field_schema("month", e.name), e.fields[0]: field_schema(e.fields[0], e.name)}
    return tool(
        f"summarize_{plural(e.name)}",
        f"Monthly summary of {text(plural(e.name))}: how many there were and totals "
        f"by {_listed(list(e.fields))}, optionally for one {text(e.fields[0])}.",
        props,
        ["month"],
    )


def _history(e: Entity) -> Any:
    props = {_id_key(e.name): _id(e.name), "since_date": SINCE["since_date"]}
    return tool(
        f"get_{e.name}_history",
        f"Change history of one {text(e.name)}: which of its "
        f"{_listed(list(e.fields))} changed, when and by whom.",
        props,
        [_id_key(e.name)],
    )


SPECIES: tuple[Callable[[Entity], Any], ...] = (
    _search,
    _get,
    _create,
    _count,
    _export,
    _compare,
    _watch,
    _summarize,
    _history,
)


def entity_apis(entity: Entity) -> list[Any]:
    """Every operation of one entity (speciation); names longer than five words are left
    out."""
    return [t for make in SPECIES if _fits((t := make(entity))["function"]["name"])]


def _params(entry: PoolEntry) -> tuple[dict[str, Any], list[str]]:
    props = entry.parameters.get("properties")
    req = entry.parameters.get("required")
    return (
        dict(props) if isinstance(props, dict) else {},
        [r for r in req if isinstance(r, str)] if isinstance(req, list) else [],
    )


def _sentence(entry: PoolEntry) -> str:
    return re.split(r"[;]|\. ", entry.description.strip())[0].rstrip(". ")


def _is_id(key: str, schema: Any) -> bool:
    return key.endswith(("_id", "Id", "_number", "_reference")) or (
        isinstance(schema, dict) and schema.get("type") == "string" and "pattern" in schema
    )


def variants(entry: PoolEntry) -> list[Any]:
    """One designer's change per returned API (nothing for a derived ``entry``)."""
    if entry.provenance.get("origin") not in PARENTS or "." in entry.name:
        return []
    if entry.name.endswith("_history"):
        return []  # a change log is read as it is, not listed or batched
    kind, entity = classify(entry.name)
    props, required = _params(entry)
    if entity is None or not props or any(not c.isascii() for c in entry.name):
        return []
    things = plural(entity)
    out: list[Any] = []
    if kind == "get" and things != entity:
        filters = {k: v for k, v in props.items() if not _is_id(k, v)}
        by = f"; filter by {_listed(list(filters))}" if filters else ""
        out.append(
            tool(
                f"list_{things}",
                f"List {text(things)}, newest first, one page at a time{by}.",
                {**filters, **PAGE},
                [],
            )
        )
        if len(required) == 1 and isinstance(props.get(required[0]), dict):
            key = required[0]
            item = {k: v for k, v in props[key].items() if k != "description"}
            if item.get("type") in ("string", "integer"):
                many = {
                    "type": "array",
                    "items": item,
                    "minItems": 1,
                    "maxItems": 20,
                    "description": f"The {text(key)} of each {text(entity)} (up to 20).",
                }
                rest = {k: v for k, v in props.items() if k != key}
                out.append(
                    tool(
                        f"batch_get_{things}",
                        f"Get up to 20 {text(things)} in one request by their {text(key)}.",
                        {**rest, plural(key): many},
                        [plural(key)],
                    )
                )
    if kind == "search" and "page" not in props:
        out.append(
            tool(
                f"{entry.name}_paged",
                f"{_sentence(entry)}, one page of results at a time.",
                {**props, **PAGE},
                required,
            )
        )
        if "since_date" not in props:
            out.append(
                tool(
                    f"search_recent_{things}",
                    f"Search {text(things)} created since "
                    "a given date by " + _listed(list(props)) + ".",
                    {**props, **SINCE},
                    [*required, "since_date"],
                )
            )
    if kind == "create":
        key = _id_key(entity)
        changes = {k: v for k, v in props.items() if k != key}
        out.append(
            tool(
                f"update_{entity}",
                f"Change an existing {text(entity)}: give its id "
                f"and only the {_listed(list(changes))} to change.",
                {key: _id(entity), **changes},
                [key],
            )
        )
        out.append(
            tool(
                f"delete_{entity}",
                f"Delete {a(text(entity))} by its id; this cannot be undone.",
                {key: _id(entity)},
                [key],
            )
        )
        out.append(
            tool(
                f"archive_{entity}",
                f"Archive {a(text(entity))}: it leaves searches "
                "and lists but can still be fetched by its id.",
                {key: _id(entity)},
                [key],
            )
        )
        out.append(
            tool(
                f"restore_{entity}",
                f"Restore an archived or deleted {text(entity)} by its id, as it was before.",
                {key: _id(entity)},
                [key],
            )
        )
    return [t for t in out if _fits(t["function"]["name"])]


def siblings(entry: PoolEntry, entities: list[Entity]) -> list[Any]:
    """A seed's missing sibling: the get-by-id of what a search, list or create returns
    (``search_recipes`` → ``get_recipe``), the search of what a get fetches; else the
    same operation on the other entities of its sub-domain."""
    if entry.provenance.get("origin") != "seed" or "." in entry.name:
        return []
    kind, entity = classify(entry.name)
    props, _ = _params(entry)
    if entity is not None and props and entry.name.isascii():
        fields = [k for k, v in props.items() if not _is_id(k, v)][:4] or list(props)[:1]
        own = Entity(entity, tuple(fields), "", "")
        if kind in ("search", "list", "create"):
            return [t for t in [_get(own)] if _fits(t["function"]["name"])]
        if kind == "get" and plural(entity) != entity:
            found = tool(
                f"search_{plural(entity)}",
                f"Search {text(plural(entity))} by "
                f"{_listed(fields)}; returns the matches with their ids.",
                {k: props[k] for k in fields},
                [fields[0]],
            )
            return [t for t in [found] if _fits(t["function"]["name"])]
    make = {"search": _search, "get": _get, "create": _create}.get(kind)
    if make is None:
        return []
    return [t for e in entities if _fits((t := make(e))["function"]["name"])]
