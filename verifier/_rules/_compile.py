"""Per-tool work done once per tool content: schema checks and compiled validators.

A dataset repeats the same few hundred tools across many thousand samples, so everything
that depends only on the spec lives here behind a bounded LRU keyed by the spec's content
(``cache_key``: what ``spec_hash`` covers, plus the hints).

Two validators per tool, chosen by measurement (bench/bench_rules.py): a compiled
``jsonschema_rs`` validator answers "valid?" in a few microseconds, and only for a call
that fails does a cached ``jsonschema.Draft202012Validator`` walk ``iter_errors`` to say
what is wrong. Both run on the same *strict* copy of the schema, with the same format
checkers, so they agree; should the fast one ever reject what the slow one accepts, the
slow one wins (no finding).

The strict copy (see ``strict_schema``):
- closes every plain object schema that has ``properties`` but says nothing about extra
  ones (``additionalProperties: false``): the rule reports parameters the schema does not
  define, although JSON Schema's default would allow them. An explicit
  ``additionalProperties`` / ``patternProperties`` / ``unevaluatedProperties`` is kept, and
  schemas that combine subschemas (``allOf``, ``$ref`` …) are left open, since closing
  them would reject properties declared in a branch;
- carries the format hints of ``ToolSpec.hints`` as ``format`` values.

Integers: a float with an integral value (``3.0``) *is* an integer, as JSON Schema says
and both validators implement; booleans are never numbers.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import jsonschema_rs
import orjson
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator

from toolspec import ToolSpec
from verifier._model import Finding
from verifier._rules._formats import (
    HINT_FORMATS,
    HINT_PREFIX,
    format_checkers,
    string_format_checkers,
)
from verifier._rules._patterns import SlowValidator
from verifier._rules._spec_checks import unclear_findings

_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "$dynamicRef")
_OPEN_KEYS = ("additionalProperties", "patternProperties", "unevaluatedProperties")

_STRING_FORMATS = string_format_checkers()
_FORMAT_CHECKER = jsonschema.FormatChecker(formats=())
for _name, _check in format_checkers().items():
    _FORMAT_CHECKER.checks(_name)(_check)


@dataclass(frozen=True, slots=True)
class Validators:
    """The fast yes/no validator and the reference one that explains a no."""

    is_valid: Callable[[Any], bool]
    slow: Validator


@dataclass(frozen=True, slots=True)
class CompiledTool:
    """What the rule layer needs about one tool; ``validators`` is None for an invalid schema."""

    name: str
    spec_findings: tuple[Finding, ...]
    validators: Validators | None


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


def strict_schema(spec: ToolSpec) -> dict[str, Any]:
    """The schema the rule layer validates calls against (see the module docstring)."""
    schema = copy.deepcopy(spec.parameters)
    for pointer, fmt in spec.hints.items():
        node = _pointer_node(schema, pointer)
        if node is not None and fmt in HINT_FORMATS and "format" not in node:
            node["format"] = HINT_PREFIX + fmt
    _close(schema)
    return schema


def _meta_valid(params: dict[str, Any]) -> bool:
    """Fast meta-schema check (Rust, ~10 µs against ~4 ms for ``check_schema``)."""
    try:
        return bool(jsonschema_rs.meta.is_valid(params))
    except ValueError:  # e.g. an unknown ``$schema`` (jsonschema_rs errors are ValueErrors)
        return False


def _schema_problem(spec: ToolSpec) -> str | None:
    params = spec.parameters
    if params.get("type") != "object":
        return (
            f"the parameters of `{spec.name}` must be a JSON Schema of type object; "
            f"got type {params.get('type')!r}"
        )
    if _meta_valid(params):
        # Every pattern (``patternProperties`` keys too) is compiled by the Rust engine
        # when the fast validator is built; one it cannot compile fails there.
        return None
    try:
        jsonschema.Draft202012Validator.check_schema(params)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        return (
            f"the parameters of `{spec.name}` are not a valid JSON Schema at {where}: {exc.message}"
        )
    return None


def _refuse(uri: str) -> Any:
    """``$ref`` retriever: a spec is data, never a reason to fetch anything."""
    raise ValueError(f"remote $ref {uri!r} is not fetched")


def compile_tool(spec: ToolSpec) -> CompiledTool:
    """Check and compile one tool (uncached; use ``compiled``)."""
    problem = _schema_problem(spec)
    schema = strict_schema(spec) if problem is None else {}
    if problem is None:
        try:
            fast: Callable[[Any], bool] = jsonschema_rs.Draft202012Validator(
                schema, validate_formats=True, formats=_STRING_FORMATS, retriever=_refuse
            ).is_valid
        except ValueError as exc:  # unresolvable or remote $ref, a regex it cannot compile
            reason = str(exc).split("\n", 1)[0]
            problem = f"the parameters of `{spec.name}` cannot be compiled: {reason}"
    if problem is not None:
        findings = (Finding.of("spec.invalid_schema", problem), *unclear_findings(spec))
        return CompiledTool(spec.name, findings, None)
    slow = SlowValidator(schema, format_checker=_FORMAT_CHECKER)
    return CompiledTool(spec.name, tuple(unclear_findings(spec)), Validators(fast, slow))


def cache_key(spec: ToolSpec) -> bytes:
    """What a compiled tool depends on: the spec content ``spec_hash`` covers, plus hints.

    The encoded content itself rather than ``spec_hash``: hints change the compiled
    schema but not the hash, and a sha256 over sorted keys costs more than the whole
    rule check of a cached tool (a different key order only costs a second compile).
    """
    try:
        return orjson.dumps((spec.name, spec.description, spec.parameters, spec.hints))
    except TypeError:  # content orjson cannot encode (e.g. integers beyond 64 bits)
        return repr((spec.spec_hash, sorted(spec.hints.items()))).encode()


class _LRU:
    """A bounded, thread-safe map ``cache_key`` → CompiledTool.

    In front of it, a map from the identity of a ``ToolSpec`` object: readers cache the
    specs of a tool list they have seen (verifier._readers._tools), so the same object
    often comes back and needs no key at all. Entries hold the spec, so an id is not
    reused while its entry lives; the map is simply emptied when full (cheaper than
    ordering it, and it only ever saves a key computation).
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[bytes, CompiledTool] = OrderedDict()
        self._by_id: dict[int, tuple[ToolSpec, CompiledTool]] = {}
        self._lock = threading.Lock()

    def get(self, spec: ToolSpec) -> CompiledTool:
        seen = self._by_id.get(id(spec))
        if seen is not None and seen[0] is spec:
            return seen[1]
        key = cache_key(spec)
        tool = self._data.get(key)
        if tool is None:
            tool = compile_tool(spec)
            with self._lock:
                self._data[key] = tool
                if len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        else:
            try:  # noqa: SIM105 - contextlib.suppress costs more on this hot path
                self._data.move_to_end(key)
            except KeyError:  # another thread evicted it meanwhile; it stays usable
                pass
        if len(self._by_id) >= self.maxsize:
            self._by_id.clear()
        self._by_id[id(spec)] = (spec, tool)
        return tool

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._by_id.clear()

    def __len__(self) -> int:
        return len(self._data)


CACHE_SIZE = 4096
"""Compiled tools kept; a dataset with more distinct tools recompiles the least recent."""

_CACHE = _LRU(CACHE_SIZE)


def compiled(spec: ToolSpec) -> CompiledTool:
    """The compiled tool for ``spec``, from the cache when the same content was seen."""
    return _CACHE.get(spec)


def clear_cache() -> None:
    """Forget compiled tools (tests and long-lived services changing many specs)."""
    _CACHE.clear()
