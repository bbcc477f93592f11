"""Dialect schemas → JSON Schema (draft 2020-12), shared by every importer.

Normalisation is copy-on-write: a sub-schema that needs no change is returned as the very
same object, so importing an already-clean tool list allocates almost nothing (readers
import the same tool lists thousands of times per second) and the input is never mutated.

What it rewrites, recursively (``properties``, ``items``, ``anyOf`` …):
- type names of other languages (``dict``, ``float``, ``List[str]``, ``HashMap``; see
  :mod:`._typeexpr`) become JSON Schema types; the name as written is kept under
  :data:`ORIGINAL_TYPE_KEY` so nothing is lost (the BFCL checker needs ``tuple`` vs
  ``array``); ``any`` drops the type constraint;
- ``"required": null`` and other ``null`` structural keywords are dropped;
  draft-3 ``"required": true`` on a property moves into the parent's ``required`` list;
- the draft-4 tuple form ``"items": [A, B]`` becomes ``"prefixItems": [A, B]``.
Unknown type names stay as written, so the rule layer can report ``spec.invalid_schema``.
"""

from __future__ import annotations

from typing import Any

from toolspec._importers._typeexpr import JSON_TYPES, parse_type
from toolspec.errors import SpecError

#: Vendor key holding a type name as the source wrote it, when it was rewritten.
ORIGINAL_TYPE_KEY = "x-original-type"

#: Deeper schemas are refused: nothing real nests this far, and hostile input must not
#: reach Python's recursion limit here or in the validators downstream.
MAX_DEPTH = 64

_MAP, _ONE, _LIST, _ITEMS, _TYPE, _NULLABLE = range(6)
#: Keyword → how its value is normalised; keywords not listed are kept as they are.
_KIND: dict[str, int] = {
    **dict.fromkeys(
        ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"), _MAP
    ),
    **dict.fromkeys(
        (
            "additionalProperties",
            "not",
            "contains",
            "if",
            "then",
            "else",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
        ),
        _ONE,
    ),
    **dict.fromkeys(("anyOf", "oneOf", "allOf", "prefixItems"), _LIST),
    "items": _ITEMS,
    "type": _TYPE,
    **dict.fromkeys(("required", "enum", "description"), _NULLABLE),
}


def normalise_parameters(params: Any) -> Any:
    """A tool's parameters → a JSON Schema object (missing or ``{}`` → no parameters)."""
    if params is None or params == {}:
        return {"type": "object", "properties": {}}
    schema = normalise_schema(params)
    if (
        isinstance(schema, dict)
        and "type" not in schema
        and isinstance(schema.get("properties"), dict)
    ):
        schema = {"type": "object", **schema}
    return schema


def normalise_schema(schema: Any, depth: int = 0) -> Any:
    """One (sub-)schema → JSON Schema; the same object back when nothing changes."""
    if not isinstance(schema, dict):
        return schema
    if depth > MAX_DEPTH:
        raise SpecError(f"schema nested deeper than {MAX_DEPTH} levels")
    changes: dict[str, Any] = {}
    drops: set[str] = set()
    for key, value in schema.items():
        kind = _KIND.get(key)
        if kind is None:
            continue
        if value is None:
            drops.add(key)
        elif kind == _TYPE and not (isinstance(value, str) and value in JSON_TYPES):
            _normalise_type(schema, changes, drops)
        elif kind == _MAP and isinstance(value, dict):
            new_map = _normalise_map(value, depth)
            if new_map is not value:
                changes[key] = new_map
        elif kind == _ONE and isinstance(value, dict):
            new_one = normalise_schema(value, depth + 1)
            if new_one is not value:
                changes[key] = new_one
        elif kind == _LIST and isinstance(value, list):
            new_list = [normalise_schema(s, depth + 1) for s in value]
            if any(a is not b for a, b in zip(new_list, value, strict=True)):
                changes[key] = new_list
        elif kind == _ITEMS and isinstance(value, dict):
            new_items = normalise_schema(value, depth + 1)
            if new_items is not value:
                changes[key] = new_items
        elif kind == _ITEMS and isinstance(value, list):  # draft-4 tuple form
            drops.add("items")
            changes["prefixItems"] = [normalise_schema(s, depth + 1) for s in value]
    if "properties" in schema:
        _lift_draft3_required(schema, changes)
    if not changes and not drops:
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in drops:
            continue
        out[key] = changes.pop(key, value)
        if key == "type" and ORIGINAL_TYPE_KEY in changes:
            out[ORIGINAL_TYPE_KEY] = changes.pop(ORIGINAL_TYPE_KEY)
    out.update(changes)
    return out


def _normalise_type(schema: dict[str, Any], changes: dict[str, Any], drops: set[str]) -> None:
    written = schema.get("type")
    if isinstance(written, str):
        if written in JSON_TYPES:
            return
        parsed = parse_type(written)
        if parsed is None:
            return
        fragment = parsed.schema
    elif isinstance(written, list) and all(isinstance(t, str) for t in written):
        if all(t in JSON_TYPES for t in written):
            return
        mapped: list[str] = []
        for name in written:
            one = parse_type(name) if name not in JSON_TYPES else None
            if name in JSON_TYPES:
                mapped.append(name)
            elif one is None:
                return
            elif "type" not in one.schema:  # "any" among the members: no constraint
                mapped = []
                break
            elif isinstance(one.schema["type"], str):
                mapped.append(one.schema["type"])
            else:
                mapped.extend(one.schema["type"])
        unique = list(dict.fromkeys(mapped))
        fragment = {"type": unique[0] if len(unique) == 1 else unique} if unique else {}
    else:
        return
    if ORIGINAL_TYPE_KEY not in schema:
        changes[ORIGINAL_TYPE_KEY] = written
    if "type" in fragment:
        changes["type"] = fragment.pop("type")
    else:
        drops.add("type")
    for key, value in fragment.items():  # element types from List[str], Dict[str, int] …
        if key not in schema:
            changes[key] = value


def _normalise_map(sub: dict[str, Any], depth: int) -> dict[str, Any]:
    new = {name: normalise_schema(s, depth + 1) for name, s in sub.items()}
    if any(new[name] is not s for name, s in sub.items()):
        return new
    return sub


def _lift_draft3_required(schema: dict[str, Any], changes: dict[str, Any]) -> None:
    """``{"properties": {"a": {"required": true}}}`` → ``{"required": ["a"], ...}``."""
    props = changes.get("properties", schema.get("properties"))
    if not isinstance(props, dict):
        return
    flagged = [
        n for n, s in props.items() if isinstance(s, dict) and isinstance(s.get("required"), bool)
    ]
    if not flagged:
        return
    required = schema.get("required")
    if not (required is None or isinstance(required, list)):
        return
    lifted = list(required or [])
    new_props = dict(props)
    for name in flagged:
        sub = dict(new_props[name])
        if sub.pop("required") and name not in lifted:
            lifted.append(name)
        new_props[name] = sub
    changes["properties"] = new_props
    changes["required"] = lifted
