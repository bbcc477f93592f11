"""Plans: what each compiled tool does at run time, and the entities tools share.

Tools whose names put the same entity under different operations (``create_order``,
``get_order``, ``cancel_order``) form a stateful group: they share a per-session table of
records. The group's id field and id schema come from the id parameters its tools demand
(a ``pattern`` or ``format`` there shapes every id the group's creates return), and a
record's fields are the union of what its tools take as input.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from mock_apis._compiler._hints import annotate
from mock_apis._compiler._names import classify, id_pattern, words
from mock_apis._compiler._patterns import program
from mock_apis._compiler._shapes import consistent, echo_fields, infer, is_control, listing, obj
from toolspec import ToolSpec

STATEFUL = frozenset(("create", "get", "list", "search", "update", "cancel", "delete"))
#: Keywords of an id parameter that say nothing about the id's shape.
ID_NOTES = ("description", "default", "title")
#: What a create verb makes, when the other tools name that instead of the object.
CREATED = {"book": "booking", "reserve": "reservation", "order": "order", "rent": "rental",
           "subscribe": "subscription", "register": "registration", "enroll": "enrollment",
           "schedule": "appointment"}  # fmt: skip


@dataclass
class Planned:
    """One tool on its way through the compiler."""

    spec: ToolSpec
    #: The copy values are generated from (refs inlined, annotated).
    params: dict[str, Any]
    spec_hash: str
    #: The strict schema the host checks every call's arguments against.
    checked: dict[str, Any] = field(default_factory=dict)
    kind: str = "action"
    entity: str | None = None
    notes: list[str] = field(default_factory=list)


def id_param(params: dict[str, Any], entity: str) -> str | None:
    """The parameter that carries the entity's id (``order_id``, ``orderId``, ``id`` …)."""
    props: dict[str, Any] = params.get("properties") or {}
    last = entity.split("_")[-1]
    candidates = [k for k in props if words(k) and words(k)[-1] in ("id", "number", "code", "ref")]
    for key in candidates:
        toks = words(key)
        if toks == ["id"] or (len(toks) >= 2 and toks[-2] in (last, *entity.split("_"))):
            return key
    return candidates[0] if len(candidates) == 1 else None


def group(tools: list[Planned]) -> dict[str, list[Planned]]:
    """Entities shared by at least two tools with different operations."""
    for tool in tools:
        tool.kind, tool.entity = classify(tool.spec.name)
    by_entity: dict[str, list[Planned]] = defaultdict(list)
    for tool in tools:
        if tool.entity and tool.kind in STATEFUL:
            by_entity[tool.entity].append(tool)
    for tool in tools:  # book_room creates the booking that get_booking looks up
        noun = CREATED.get(words(tool.spec.name)[0]) if words(tool.spec.name) else None
        if tool.kind == "create" and noun and noun in by_entity and tool.entity != noun:
            if tool.entity in by_entity and tool in by_entity[tool.entity]:
                by_entity[tool.entity].remove(tool)
            tool.entity = noun
            by_entity[noun].append(tool)
    groups = {e: ts for e, ts in by_entity.items() if len({t.kind for t in ts}) >= 2}
    for tool in tools:  # an export or a count of orders answers its own shape, not an order
        if tool.entity not in groups or tool.kind not in STATEFUL:
            tool.entity = None
    return groups


def described(schema: dict[str, Any]) -> bool:
    """True when the spec itself says what the ids look like (a pattern, format or enum,
    or a generator that the name suggests other than a bare id)."""
    given = "pattern" in schema or "format" in schema or "enum" in schema
    return given or schema.get("x-gen") not in (None, "id")


def entity_plan(entity: str, members: list[Planned]) -> dict[str, Any]:
    names: Counter[str] = Counter()
    id_schema: dict[str, Any] | None = None
    for tool in members:
        key = id_param(tool.params, entity)
        if key is None or tool.kind == "create":
            continue
        names[key] += 1
        sub = tool.params["properties"][key]
        if id_schema is None or (described(sub) and not described(id_schema)):
            id_schema = {k: v for k, v in sub.items() if k not in ID_NOTES}
    id_field = names.most_common(1)[0][0] if names else f"{entity}_id"
    if id_field == "id":
        id_field = f"{entity}_id" if not names else "id"
    if id_schema is None:  # no tool says what its ids look like: the entity's own prefix
        id_schema = {"type": "string", "x-pattern": program(id_pattern(entity))}
    fields: dict[str, Any] = {id_field: id_schema}
    for tool in members:
        if tool.kind in ("create", "update", "list", "search"):
            for key in echo_fields(tool.params):
                many_ids = words(key)[-1:] == ["ids"]  # a batch's ids: no record holds them
                if key not in names and not is_control(key) and not many_ids:
                    fields.setdefault(key, accepted(key, members))
    status_free = "status" not in fields  # our own field: a create may say "created"
    fields.setdefault("status", {"type": "string", "x-gen": "status"})
    fields.setdefault("created_at", {"type": "string", "format": "date-time", "x-gen": "date-time"})
    record = {"type": "object", "properties": fields, "required": list(fields)}
    return {
        "id_field": id_field,
        "id": id_schema,
        "record": record,
        "fields": sorted(fields),
        "tools": sorted(t.spec.name for t in members),
        "status_free": status_free,
    }


def accepted(key: str, members: list[Planned]) -> dict[str, Any]:
    """A record field's schema: what any member tool accepts as that argument.

    Every member's arguments are stored in (or looked up as) the record, so the field is
    the schema they all declare, or the ``anyOf`` of theirs where they differ; either way
    each argument the host let through fits it, and the copy is marked ``x-echo``.
    """
    schemas: list[Any] = []
    for tool in members:
        sub = (tool.params.get("properties") or {}).get(key)
        if sub is not None:
            copy = consistent(sub) if isinstance(sub, dict) else sub
            if copy not in schemas:
                schemas.append(copy)
    if len(schemas) == 1 and isinstance(schemas[0], dict):
        return {**schemas[0], "x-echo": True}
    return {"anyOf": schemas, "x-echo": True}


def id_fits(tool: Planned, key: str, id_schema: dict[str, Any]) -> bool:
    """Whether the tool's id parameter declares the entity's id schema (then an id it is
    given may be repeated as the entity's id)."""
    sub = (tool.params.get("properties") or {}).get(key)
    if not isinstance(sub, dict):
        return False
    return {k: v for k, v in sub.items() if k not in ID_NOTES} == id_schema


def response(tool: Planned, entities: dict[str, Any]) -> dict[str, Any]:
    """The declared output schema (annotated), else the inferred one."""
    spec = tool.spec
    if spec.output_schema is not None:
        return annotate(spec.output_schema, {}, "", "", tool.notes)  # type: ignore[no-any-return]
    if tool.entity is not None:
        ent = entities[tool.entity]
        if tool.kind in ("list", "search"):
            return listing(ent["record"])
        if tool.kind == "delete":
            id_schema = ent["id"]
            return obj(
                **{
                    ent["id_field"]: id_schema,
                    "status": {"type": "string", "enum": ["deleted"]},
                    "deleted": {"type": "boolean"},
                }
            )
        return ent["record"]  # type: ignore[no-any-return]
    shape = infer(spec.name, spec.description, tool.kind, tool.params)
    return annotate(shape, {}, "", "", tool.notes)  # type: ignore[no-any-return]


def plan_toolset(tools: list[Planned]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(tool plans by name, entity plans by entity) for tools already normalised."""
    groups = group(tools)
    entities = {e: entity_plan(e, members) for e, members in sorted(groups.items())}
    plans: dict[str, Any] = {}
    for tool in tools:
        plan: dict[str, Any] = {
            "params": tool.params,
            "kind": tool.kind,
            "entity": tool.entity,
            "response": response(tool, entities),
        }
        if tool.entity is not None:
            plan["id_param"] = id_param(tool.params, tool.entity)
            ent = entities[tool.entity]
            plan["id_fits"] = plan["id_param"] is not None and id_fits(
                tool, plan["id_param"], ent["id"]
            )
            props = tool.params.get("properties") or {}
            plan["limit_param"] = next(
                (k for k in props if k.lower() in ("limit", "max_results", "page_size")), None
            )
            plan["items_field"] = items_field(plan["response"])
        plans[tool.spec.name] = plan
    return plans, entities


def items_field(schema: dict[str, Any]) -> str | None:
    """The top-level array field a search answer lists its records in."""
    props = schema.get("properties")
    if not isinstance(props, dict):
        return None
    return next(
        (k for k, v in props.items() if isinstance(v, dict) and v.get("type") == "array"), None
    )
