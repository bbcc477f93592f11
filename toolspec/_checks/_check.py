"""The argument check of a tool: the one implementation the rule layer and the mocks share.

Arguments are checked once, on the host, against the tool's *strict* schema, by full
draft 2020-12 validators: the rule layer checks every call of a dataset with it, and every
path that sends a call to a mock (the exec layer, the mock server, the service's toolset
routes, synthesis, BFCL's multi-turn approximation) checks it before the call reaches a
sandbox, so a call the rule layer rejects is one the mock refuses, with the same codes.

Two validators per schema, chosen by measurement (bench/bench_rules.py): a compiled
``jsonschema_rs`` validator answers "valid?" in a few microseconds, and only for arguments
that fail does ``jsonschema``'s ``Draft202012Validator`` (patterns on the bounded engine,
see ``_patterns``) walk ``iter_errors`` to say what is wrong. Both run on the same strict
schema with the same format checkers, so they agree; should the fast one ever reject what
the slow one accepts, the slow one wins (the arguments are valid).

The strict schema (:func:`strict_schema`):
- closes every plain object schema that has ``properties`` but says nothing about extra
  ones (``additionalProperties: false``): a parameter the schema does not define is
  ``call.unknown_param``, although JSON Schema's default would allow it. An explicit
  ``additionalProperties`` / ``patternProperties`` / ``unevaluatedProperties`` is kept, and
  schemas that combine subschemas (``allOf``, ``$ref`` …) are left open, since closing
  them would reject properties declared in a branch;
- carries the format hints of ``ToolSpec.hints`` as ``format`` values.

Integers: a float with an integral value (``3.0``) *is* an integer, as JSON Schema says
and both validators implement; booleans are never numbers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import jsonschema_rs
import orjson
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from referencing.exceptions import NoSuchResource, Unresolvable

from toolspec._checks._cache import ContentCache
from toolspec._checks._classify import Problem, classify
from toolspec._checks._formats import (
    HINT_FORMATS,
    HINT_PREFIX,
    documented,
    format_checkers,
    string_format_checkers,
)
from toolspec._checks._patterns import BoundedValidator

_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "$dynamicRef")
_OPEN_KEYS = ("additionalProperties", "patternProperties", "unevaluatedProperties")

_STRING_FORMATS = string_format_checkers()
_FORMAT_CHECKER = jsonschema.FormatChecker(formats=())
for _name, _check in format_checkers().items():
    _FORMAT_CHECKER.checks(_name)(_check)


class SchemaUnusable(ValueError):
    """Raised by :func:`argument_check` for a schema the validators cannot compile."""


@dataclass(frozen=True, slots=True)
class ArgumentCheck:
    """A strict schema, compiled: ``problems(arguments, tool)`` is empty for valid ones."""

    schema: dict[str, Any]
    fast: Callable[[Any], bool]
    slow: Validator

    def is_valid(self, arguments: Any) -> bool:
        """The fast yes/no; a value the fast engine cannot take (an integer beyond 64 bits)
        is answered by the reference validator."""
        try:
            return self.fast(arguments)
        except (TypeError, ValueError, OverflowError):
            return not self.problems(arguments, "")

    def problems(self, arguments: Any, tool: str) -> list[Problem]:
        """What is wrong with ``arguments`` (nothing when they are valid)."""
        try:
            if self.fast(arguments):
                return []
        except (TypeError, ValueError, OverflowError):
            pass
        try:
            return classify(self.slow.iter_errors(arguments), tool)
        except (Unresolvable, NoSuchResource, RecursionError) as exc:
            # The reference validator cannot follow this schema where the fast one could.
            msg = f"the parameters of `{tool}` cannot be applied to this call: {exc}"
            return [Problem("spec.invalid_schema", None, msg)]


def _pointer_node(schema: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    node: Any = schema
    for raw in pointer.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node if isinstance(node, dict) else None


def _close(node: Any) -> None:
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        if not any(k in node for k in _OPEN_KEYS + _COMBINATORS):
            node["additionalProperties"] = False
        for sub in props.values():
            _close(sub)
    items = node.get("items")
    if isinstance(items, dict):
        _close(items)


def strict_schema(parameters: dict[str, Any], hints: dict[str, str]) -> dict[str, Any]:
    """The schema a tool's arguments are checked against (see the module docstring)."""
    schema = copy.deepcopy(parameters)
    for pointer, fmt in hints.items():
        node = _pointer_node(schema, pointer)
        if node is not None and fmt in HINT_FORMATS and "format" not in node:
            node["format"] = HINT_PREFIX + fmt
    _close(schema)
    return schema


def documented_schema(schema: Any) -> Any:
    """A copy of a strict schema for documents: its hint formats as keywords a reader of
    JSON Schema understands (``_formats.documented``)."""
    if isinstance(schema, list):
        return [documented_schema(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: documented_schema(v) if isinstance(v, dict | list) else v for k, v in schema.items()}
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt.startswith(HINT_PREFIX):
        del out["format"]
        out.update(documented(fmt))
    return out


def _meta_valid(schema: Any) -> bool:
    """Fast meta-schema check (Rust, ~10 µs against ~4 ms for ``check_schema``)."""
    try:
        return bool(jsonschema_rs.meta.is_valid(schema))
    except ValueError:  # e.g. an unknown ``$schema`` (jsonschema_rs errors are ValueErrors)
        return False


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` is not a draft 2020-12 JSON Schema, in a sentence; None if it is."""
    if _meta_valid(schema):
        # Every pattern (``patternProperties`` keys too) is compiled by the Rust engine
        # when the fast validator is built; one it cannot compile fails there.
        return None
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        return f"not a valid JSON Schema at {where}: {exc.message}"
    return None


def parameters_problem(name: str, params: dict[str, Any]) -> str | None:
    """Why ``params`` cannot be a tool's parameter schema, in a sentence; None if it can."""
    if params.get("type") != "object":
        return (
            f"the parameters of `{name}` must be a JSON Schema of type object; "
            f"got type {params.get('type')!r}"
        )
    problem = schema_problem(params)
    return None if problem is None else f"the parameters of `{name}` are {problem}"


def _refuse(uri: str) -> Any:
    """``$ref`` retriever: a spec is data, never a reason to fetch anything."""
    raise ValueError(f"remote $ref {uri!r} is not fetched")


def _compile(schema: dict[str, Any]) -> ArgumentCheck | SchemaUnusable:
    try:
        fast = jsonschema_rs.Draft202012Validator(
            schema, validate_formats=True, formats=_STRING_FORMATS, retriever=_refuse
        ).is_valid
    except ValueError as exc:  # unresolvable or remote $ref, a regex it cannot compile
        return SchemaUnusable(str(exc).split("\n", 1)[0])
    slow = BoundedValidator(schema, format_checker=_FORMAT_CHECKER)
    return ArgumentCheck(schema, fast, slow)


def _key(schema: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(schema)
    except TypeError:  # content orjson cannot encode (e.g. integers beyond 64 bits)
        return json.dumps(schema, default=repr).encode()


CACHE_SIZE = 4096
"""Compiled checks kept; more distinct schemas recompile the least recent."""

_CHECKS: ContentCache[dict[str, Any], ArgumentCheck | SchemaUnusable] = ContentCache(
    CACHE_SIZE, _key, _compile
)


def argument_check(schema: dict[str, Any]) -> ArgumentCheck:
    """The compiled check of a strict schema, cached by content; raises
    :class:`SchemaUnusable` (the engine's reason) when it cannot be compiled."""
    found = _CHECKS.get(schema)
    if isinstance(found, SchemaUnusable):
        raise SchemaUnusable(str(found))  # a new one: a cached exception would keep tracebacks
    return found


def tool_check(name: str, parameters: dict[str, Any], hints: dict[str, str]) -> ArgumentCheck | str:
    """The argument check of a tool, or why its parameters cannot have one (a sentence:
    the ``spec.invalid_schema`` finding of the rule layer, the compile error of a mock)."""
    problem = parameters_problem(name, parameters)
    if problem is not None:
        return problem
    try:
        return argument_check(strict_schema(parameters, hints))
    except SchemaUnusable as exc:
        return f"the parameters of `{name}` cannot be compiled: {exc}"


def clear_checks() -> None:
    """Forget compiled checks (tests and long-lived services changing many schemas)."""
    _CHECKS.clear()
