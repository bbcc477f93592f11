"""Type names of every dialect → JSON Schema fragments.

Real tool data spells types in many languages: JSON Schema (``string``), ToolACE/BFCL's
Python-ish names (``dict``, ``float``, ``tuple``, ``any``), Java and JavaScript names in
BFCL's ``simple_java``/``simple_javascript`` (``String``, ``long``, ``HashMap``,
``Bigint``), and xLAM's Python annotations (``List[str]``, ``Dict[str, Any]``,
``str, optional``). One table and one small parser serve every importer, so a schema is
normalised the same way whichever dialect it was detected as.

:func:`parse_type` returns ``None`` for a name it does not know: the importer then leaves
the type as written and the rule layer reports ``spec.invalid_schema`` instead of
toolproof guessing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

#: The type names JSON Schema itself defines; these are never rewritten.
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})

#: Lower-cased leaf type name → JSON Schema type; ``""`` means "no type constraint".
LEAF_TYPES: dict[str, str] = {
    # strings
    "str": "string",
    "string": "string",
    "char": "string",
    "character": "string",
    # integers (Python, Java boxed and primitive, JavaScript BigInt)
    "int": "integer",
    "integer": "integer",
    "long": "integer",
    "short": "integer",
    "byte": "integer",
    "bigint": "integer",
    "biginteger": "integer",
    # numbers
    "float": "number",
    "double": "number",
    "number": "number",
    "decimal": "number",
    "bigdecimal": "number",
    # booleans
    "bool": "boolean",
    "boolean": "boolean",
    # objects
    "dict": "object",
    "object": "object",
    "map": "object",
    "mapping": "object",
    "hashmap": "object",
    "treemap": "object",
    "linkedhashmap": "object",
    # arrays
    "list": "array",
    "array": "array",
    "arraylist": "array",
    "linkedlist": "array",
    "tuple": "array",
    "set": "array",
    "frozenset": "array",
    "sequence": "array",
    "iterable": "array",
    # null
    "none": "null",
    "nonetype": "null",
    "null": "null",
    # no constraint
    "any": "",
    "": "",
}

_TOKEN = re.compile(r"\s*([A-Za-z_][\w.]*|\[\]|[\[\]<>,|]|\.\.\.)")


class ParsedType(NamedTuple):
    """A type expression as JSON Schema: ``schema`` plus whether it said "optional"."""

    schema: dict[str, Any]
    optional: bool


class _Unknown(Exception):
    """Internal: the expression uses a name or shape the table does not cover."""


def parse_type(text: str) -> ParsedType | None:
    """``"List[str]"`` → ``{"type": "array", "items": {"type": "string"}}``; None if unknown.

    The result is a fresh dict each call (parsing is cached, the dict is not shared).
    """
    leaf = LEAF_TYPES.get(text.lower())
    if leaf is not None:  # the common case: one plain name
        return ParsedType({"type": leaf} if leaf else {}, False)
    cached = _parse_cached(text)
    if cached is None:
        return None
    raw, optional = cached
    return ParsedType(orjson.loads(raw), optional)


@lru_cache(maxsize=1024)
def _parse_cached(text: str) -> tuple[bytes, bool] | None:
    body = text.strip()
    optional = False
    lowered = body.lower()
    if lowered.endswith(", optional") or lowered.endswith(",optional"):
        body = body[: body.rfind(",")].strip()
        optional = True
    tokens = _tokenize(body)
    if tokens is None:
        return None
    try:
        schema, opt, pos = _expr(tokens, 0)
    except (_Unknown, IndexError):
        return None
    if pos != len(tokens):
        return None
    return orjson.dumps(schema), optional or opt


def _tokenize(text: str) -> list[str] | None:
    if not text:
        return [""]
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos:].strip() == "":
                break
            return None
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _expr(tokens: list[str], pos: int) -> tuple[dict[str, Any], bool, int]:
    """expr := term ('|' term)* — a union; ``None`` members make it optional."""
    members: list[dict[str, Any]] = []
    optional = False
    while True:
        schema, opt, pos = _term(tokens, pos)
        optional = optional or opt
        if schema.get("type") == "null":
            optional = True
        else:
            members.append(schema)
        if pos < len(tokens) and tokens[pos] == "|":
            pos += 1
            continue
        break
    return _union(members), optional, pos


def _union(members: list[dict[str, Any]]) -> dict[str, Any]:
    if not members:
        return {"type": "null"}
    if len(members) == 1:
        return members[0]
    if any(m == {} for m in members):
        return {}
    if all(list(m) == ["type"] for m in members):
        types = list(dict.fromkeys(m["type"] for m in members))
        return {"type": types[0] if len(types) == 1 else types}
    return {"anyOf": members}


def _args(tokens: list[str], pos: int, close: str) -> tuple[list[dict[str, Any] | None], int]:
    """Comma-separated arguments up to ``close``; ``...`` is returned as None."""
    args: list[dict[str, Any] | None] = []
    while tokens[pos] != close:
        if tokens[pos] == "...":
            args.append(None)
            pos += 1
        else:
            schema, _, pos = _expr(tokens, pos)
            args.append(schema)
        if tokens[pos] == ",":
            pos += 1
    return args, pos + 1


def _term(tokens: list[str], pos: int) -> tuple[dict[str, Any], bool, int]:
    name = tokens[pos]
    pos += 1
    short = name.rsplit(".", 1)[-1].lower()
    args: list[dict[str, Any] | None] = []
    if pos < len(tokens) and tokens[pos] in ("[", "<"):
        close = "]" if tokens[pos] == "[" else ">"
        args, pos = _args(tokens, pos + 1, close)
    if short in ("optional", "union"):
        present = [a for a in args if a is not None]
        members = [a for a in present if a.get("type") != "null"]
        return _union(members), short == "optional" or len(members) < len(present), pos
    leaf = LEAF_TYPES.get(short)
    if leaf is None:
        raise _Unknown(name)
    schema: dict[str, Any] = {"type": leaf} if leaf else {}
    if leaf == "array":
        _array_args(schema, short, args)
    elif leaf == "object" and len(args) == 2 and args[1] not in (None, {}):
        schema["additionalProperties"] = args[1]
    elif args and leaf not in ("array", "object"):
        raise _Unknown(name)
    while pos < len(tokens) and tokens[pos] == "[]":  # Java array syntax: String[]
        schema = {"type": "array", "items": schema}
        pos += 1
    return schema, False, pos


def _array_args(schema: dict[str, Any], short: str, args: list[dict[str, Any] | None]) -> None:
    """Element types of ``List[X]``, ``Tuple[X, ...]`` and fixed ``Tuple[A, B]``."""
    if short == "tuple" and len(args) >= 2 and args[-1] is None:  # Tuple[int, ...]
        if args[0]:
            schema["items"] = args[0]
    elif short == "tuple" and len(args) >= 2:
        if any(a is None for a in args):
            raise _Unknown("tuple with '...' not last")
        schema["prefixItems"] = args
        schema["minItems"] = schema["maxItems"] = len(args)
    elif len(args) == 1 and args[0]:
        schema["items"] = args[0]
