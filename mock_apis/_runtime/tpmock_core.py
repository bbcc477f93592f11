"""Dispatch and per-session state of a compiled mock toolset (stdlib only, shipped to sandboxes).

A generated bundle module holds the compiler's plans and one tiny function per tool that
calls :func:`call`. The state (``toolset["state"]``) lives in the module instance, so one
loaded instance is one session: the sandbox keeps it across calls and the runner resets it
between samples with :func:`reset`. Entities follow an open world: an id that the session
has never seen yields a plausible record, seeded by the id, which is then remembered; an id
that the session deleted is not found.

Like every ``tpmock_*`` module it is compiled with RestrictedPython in the sandbox, so
it imports only modules of the sandbox's allow-list, uses no names with a leading
underscore and no ``set``/``sorted``/``type`` builtins, and imports typing for mypy only
(annotations are strings). It checks no arguments: the host did (``mock_apis`` runs the
shared argument check before it sends a call). Every entry returns an envelope::

    {"ok": true, "result": ...}
    {"ok": false, "status": 404, "findings": [{"code", "path", "message"}]}
"""

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

SEARCH_PAGE = (2, 4)


def toolset(plans: "dict[str, Any]", seed: "int", values: "ModuleType") -> "dict[str, Any]":
    """Bind plans to the value module and open an empty session state."""
    ts = {"plans": plans, "seed": seed, "values": values, "state": {}}
    reset(ts)
    return ts


def reset(ts: "dict[str, Any]") -> "dict[str, Any]":
    """Forget everything the session created, looked up or deleted."""
    ts["state"] = {"records": {}, "deleted": {}, "seen": {}, "written": {}, "foreign": {}}
    return {"ok": True, "result": None}


def snapshot(ts: "dict[str, Any]") -> "dict[str, Any]":
    """What the session's calls changed: the records they created or modified, by entity
    and id, and the ids they deleted (records only looked up are not state changes)."""
    state = ts["state"]
    changed = {}
    for entity, ids in state["written"].items():
        records = state["records"].get(entity, {})
        changed[entity] = {i: records.get(i) for i in sorted(ids)}
    deleted = {entity: sorted(ids) for entity, ids in state["deleted"].items() if ids}
    return {"ok": True, "result": {"records": changed, "deleted": deleted}}


def fail(status: "int", code: "str", path: "str", message: "str") -> "dict[str, Any]":
    return {
        "ok": False,
        "status": status,
        "findings": [{"code": code, "path": path, "message": message}],
    }


def with_defaults(params: "dict[str, Any]", args: "dict[str, Any]") -> "dict[str, Any]":
    """Arguments plus the declared defaults of absent parameters, as a real API applies them."""
    props = params.get("properties")
    if not isinstance(props, dict):
        return dict(args)
    full = dict(args)
    for key, sub in props.items():
        if key not in full and isinstance(sub, dict) and "default" in sub:
            full[key] = sub["default"]
    return full


def call(
    ts: "dict[str, Any]", name: "str", args: "dict[str, Any]", impl: "Any" = None
) -> "dict[str, Any]":
    """Answer one call the host has checked: by a supplied implementation or by the plan."""
    plan = ts["plans"]["tools"][name]
    full = with_defaults(plan["params"], args)
    if impl is not None:
        try:
            return {"ok": True, "result": impl(**args)}
        except MemoryError:  # the sandbox's limit, not the code's: the worker is replaced
            raise
        except Exception as exc:  # a supplied implementation's fault is the call's outcome
            return fail(500, "exec.error", "", f"the implementation raised {exc!r}")
    entity = plan.get("entity")
    if entity is None:
        return {"ok": True, "result": respond(ts, plan, name, full, {})}
    return stateful(ts, plan, name, full, entity)


def occurrence(ts: "dict[str, Any]", name: "str", args: "dict[str, Any]") -> "int":
    """How many times this exact call was made before in the session (0 the first time)."""
    key = name + "\x00" + ts["values"].canonical(args)
    seen = ts["state"]["seen"]
    count = int(seen.get(key, 0))
    seen[key] = count + 1
    return count


def respond(
    ts: "dict[str, Any]",
    plan: "dict[str, Any]",
    name: "str",
    args: "dict[str, Any]",
    extra: "dict[str, Any]",
    nth: "int" = 0,
    own: "Any" = None,
) -> "Any":
    """The answer: generated from the plan's response schema, repeating the arguments and
    ``extra``, the values the mock made itself (``own``: those of them it may trust)."""
    rng = ts["values"].rng_for(ts["seed"], name, args, nth)
    ctx = dict(args)
    ctx.update(extra)
    return ts["values"].generate(plan["response"], rng, "", ctx, 0, extra if own is None else own)


def table(ts: "dict[str, Any]", entity: "str", key: "str") -> "dict[str, Any]":
    tables = ts["state"][key]
    if entity not in tables:
        tables[entity] = {}
    return tables[entity]  # type: ignore[no-any-return]


def materialise(
    ts: "dict[str, Any]", entity: "str", ident: "Any", args: "dict[str, Any]", fits: "bool" = True
) -> "dict[str, Any]":
    """The record for ``ident``: remembered, else a plausible one seeded by the id.

    ``fits`` says whether the id has the entity's id schema: a generated one has, an
    argument has when the calling tool's id parameter declares that schema (``id_fits``
    in its plan). A record made for an id that may not fit is *foreign*: its id is never
    repeated where the entity's id schema applies (answers are generated there instead).
    """
    records = table(ts, entity, "records")
    key = str(ident)
    if key in records:
        return records[key]  # type: ignore[no-any-return]
    if not fits:
        table(ts, entity, "foreign")[key] = True
    spec = ts["plans"]["entities"][entity]
    rng = ts["values"].rng_for(ts["seed"], "entity", entity, key)
    ctx = {k: v for k, v in args.items() if k in spec["fields"]}
    ctx[spec["id_field"]] = ident
    own = (spec["id_field"],)
    record = ts["values"].generate(spec["record"], rng, "", ctx, 0, own)
    record[spec["id_field"]] = ident
    records[key] = record
    return record  # type: ignore[no-any-return]


def new_id(ts: "dict[str, Any]", entity: "str", rng: "Any") -> "Any":
    spec = ts["plans"]["entities"][entity]
    records = table(ts, entity, "records")
    deleted = table(ts, entity, "deleted")
    ident = ts["values"].generate(spec["id"], rng, "", None)
    for _ in range(20):
        if str(ident) not in records and str(ident) not in deleted:
            break
        ident = ts["values"].generate(spec["id"], rng, "", None)
    return ident


def stateful(
    ts: "dict[str, Any]", plan: "dict[str, Any]", name: "str", args: "dict[str, Any]", entity: "str"
) -> "dict[str, Any]":
    kind = plan["kind"]
    spec = ts["plans"]["entities"][entity]
    id_param = plan.get("id_param")
    nth = occurrence(ts, name, args)
    if kind == "create":
        rng = ts["values"].rng_for(ts["seed"], name, args, nth)
        ident = new_id(ts, entity, rng)
        record = materialise(ts, entity, ident, args)
        record.update({k: v for k, v in args.items() if k in spec["fields"]})
        if spec.get("status_free"):
            record["status"] = "created"
        table(ts, entity, "written")[str(ident)] = True
        return {"ok": True, "result": respond(ts, plan, name, args, record, nth)}
    if kind in ("list", "search"):
        return {"ok": True, "result": search(ts, plan, name, args, entity, nth)}
    if id_param is None or id_param not in args:
        return {"ok": True, "result": respond(ts, plan, name, args, {}, nth)}
    ident = args[id_param]
    if str(ident) in table(ts, entity, "deleted"):
        return fail(
            404,
            "exec.error",
            "/" + id_param,
            f"{entity} {ident!r} not found: it was deleted in this session",
        )
    record = materialise(ts, entity, ident, args, plan.get("id_fits", True))
    own = record
    if str(ident) in table(ts, entity, "foreign"):
        own = {k: v for k, v in record.items() if k != spec["id_field"]}
    if kind in ("update", "cancel"):
        table(ts, entity, "written")[str(ident)] = True
    if kind == "update":
        record.update({k: v for k, v in args.items() if k != id_param})
    elif kind == "cancel":
        record["status"] = "cancelled"
    elif kind == "delete":
        del table(ts, entity, "records")[str(ident)]
        table(ts, entity, "written").pop(str(ident), None)
        table(ts, entity, "deleted")[str(ident)] = True
        gone = {spec["id_field"]: ident, "status": "deleted", "deleted": True}
        kept = gone if own is record else {k: v for k, v in gone.items() if k in own}
        return {"ok": True, "result": respond(ts, plan, name, args, gone, nth, kept)}
    return {"ok": True, "result": respond(ts, plan, name, args, record, nth, own)}


def matches(record: "dict[str, Any]", query: "dict[str, Any]") -> "bool":
    """A record answers a search when every query field it has agrees (text: substring)."""
    for key, wanted in query.items():
        if key not in record:
            continue
        have = record[key]
        if isinstance(wanted, str) and isinstance(have, str):
            if wanted.lower() not in have.lower():
                return False
        elif have != wanted:
            return False
    return True


def search(
    ts: "dict[str, Any]",
    plan: "dict[str, Any]",
    name: "str",
    args: "dict[str, Any]",
    entity: "str",
    nth: "int",
) -> "Any":
    """Known records that match, topped up with new plausible ones that echo the query."""
    spec = ts["plans"]["entities"][entity]
    query = {k: v for k, v in args.items() if k in spec["fields"]}
    records = table(ts, entity, "records")
    foreign = table(ts, entity, "foreign")
    found = [r for k, r in records.items() if k not in foreign and matches(r, query)]
    rng = ts["values"].rng_for(ts["seed"], name, args, 0)
    want = rng.randint(SEARCH_PAGE[0], SEARCH_PAGE[1])
    while len(found) < want:
        found.append(materialise(ts, entity, new_id(ts, entity, rng), query))
    limit = plan.get("limit_param")
    if limit and isinstance(args.get(limit), int) and args[limit] >= 0:
        found = found[: args[limit]]
    extra = {plan.get("items_field") or "results": found, "count": len(found), "total": len(found)}
    return respond(ts, plan, name, args, extra, nth)


def load(text: "str") -> "dict[str, Any]":
    """Plans travel as one JSON string: it loads faster than a literal compiles."""
    return json.loads(text)  # type: ignore[no-any-return]
