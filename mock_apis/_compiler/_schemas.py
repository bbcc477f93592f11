"""The copy of a schema that mocks generate values from: refs inlined, for the runtime.

A mock validates nothing (the host checks every call's arguments with the shared argument
check, ``toolspec._checks``); what the stdlib runtime needs is a schema it can walk without a
resolver. So local ``$ref``s are inlined, and draft-7 tuple ``items`` become
``prefixItems``. Keywords the generator does not use (``if``, ``dependentSchemas``,
``unevaluatedProperties`` …) stay as they are: generation is best effort and the check
decides what a valid call is. A recursive ``$ref`` is inlined once and then stands for
any value (``{}``), with a note; a ``$ref`` the walk cannot follow (one into an embedded
resource's ``$id``) stands for any value too.

A declared output schema is the one thing the mock must answer *by*; it takes the same
walk, strictly: a ref it cannot inline makes the schema unusable (``ToolCompileError``)
and the compiler infers a shape instead.

The walk is our own rather than a resolver's because it must produce plain data for the
runtime and stay within a node budget that keeps the 25,000-spec compile bench fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mock_apis._compiler._errors import ToolCompileError

SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SUBSCHEMAS = (
    "items", "additionalProperties", "propertyNames", "contains", "not", "if", "then",
    "else", "unevaluatedItems", "unevaluatedProperties",
)  # fmt: skip
MAX_NODES = 5_000


@dataclass
class Walk:
    """One schema's walk: where refs resolve, what is left of the budget, what to note."""

    root: dict[str, Any]
    tool: str
    lenient: bool
    notes: list[str] = field(default_factory=list)
    budget: int = MAX_NODES


def normalise(params: dict[str, Any], tool: str, notes: list[str]) -> dict[str, Any]:
    """The generation copy of a tool's parameters (already checked by ``tool_check``)."""
    walk = Walk(params, tool, lenient=True, notes=notes)
    out = resolve(params, walk, (), "")
    assert isinstance(out, dict)
    out.pop("$defs", None)
    out.pop("definitions", None)
    out.setdefault("type", "object")
    return out


def output_schema(schema: dict[str, Any], tool: str) -> dict[str, Any]:
    """A declared output schema with its refs inlined; raises ``ToolCompileError``."""
    out = resolve(schema, Walk(schema, tool, lenient=False), (), "")
    assert isinstance(out, dict)
    return out


def lookup(ref: str, walk: Walk, where: str) -> Any:
    """The node a local ``$ref`` (``#`` or ``#/json/pointer``) points to; None (lenient)
    or an error when the walk cannot follow it."""
    node: Any = walk.root if ref == "#" or ref.startswith("#/") else None
    for part in ref[2:].split("/") if node is not None and ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            node = None
            break
    if node is None and not walk.lenient:
        local = ref.startswith("#")
        code = "spec.invalid_schema" if local else "compile.unsupported"
        what = "not found" if local else "is remote"
        raise ToolCompileError(walk.tool, code, f"{where}: $ref {ref!r} {what}")
    return node


def resolve(node: Any, walk: Walk, stack: tuple[str, ...], where: str) -> Any:
    """A copy of ``node`` with refs inlined."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        raise ToolCompileError(
            walk.tool, "spec.invalid_schema", f"{where or '/'}: a schema must be an object"
        )
    walk.budget -= 1
    if walk.budget < 0:
        raise ToolCompileError(
            walk.tool, "compile.unsupported", f"schema larger than {MAX_NODES} nodes"
        )
    ref = node.get("$ref")
    if isinstance(ref, str):
        rest = {k: v for k, v in node.items() if k != "$ref"}
        target = inline(ref, walk, stack, where or "/")
        if not rest:
            return target
        return {"allOf": [target, resolve(rest, walk, stack, where)]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{where}/{key}"
        if key in SUBSCHEMA_MAPS and isinstance(value, dict):
            if key not in ("$defs", "definitions"):
                out[key] = {k: resolve(v, walk, stack, f"{path}/{k}") for k, v in value.items()}
        elif key in SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [resolve(v, walk, stack, f"{path}/{i}") for i, v in enumerate(value)]
        elif key == "items" and isinstance(value, list):  # draft-7 tuple form
            out["prefixItems"] = [
                resolve(v, walk, stack, f"{path}/{i}") for i, v in enumerate(value)
            ]
        elif key in SUBSCHEMAS and isinstance(value, dict | bool):
            out[key] = resolve(value, walk, stack, path)
        elif key == "required" and isinstance(value, bool):
            continue  # draft-3 per-property flag: the object's own ``required`` list decides
        else:
            out[key] = value
    return out


def inline(ref: str, walk: Walk, stack: tuple[str, ...], where: str) -> Any:
    """What a ``$ref`` stands for in the copy: its target, once per branch."""
    if ref in stack:
        if not walk.lenient:
            raise ToolCompileError(
                walk.tool, "compile.unsupported", f"{where}: recursive $ref {ref!r}"
            )
        walk.notes.append(f"{where}: recursive $ref {ref!r}: generated values stop here")
        return {}
    target = lookup(ref, walk, where)
    if target is None:
        walk.notes.append(f"{where}: $ref {ref!r} is not inlined: any value is generated here")
        return {}
    return resolve(target, walk, (*stack, ref), where)
