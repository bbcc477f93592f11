"""``import_tool`` / ``import_tools``: the entry points every reader and command uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import orjson

from toolspec._importers._openapi import import_openapi
from toolspec._importers._registry import (
    DOCUMENT_DIALECTS,
    detect_dialect,
    get_importer,
    is_openapi_document,
)
from toolspec._spec import ToolSpec
from toolspec.errors import SpecError

#: Distinct tool objects remembered by content; datasets repeat the same tool lists in
#: every record, and serialising a tool costs about 1/100th of importing it.
CACHE_SIZE = 4096


def import_tool(obj: Any, dialect: str = "auto") -> ToolSpec:
    """One tool object in any known dialect → ``ToolSpec``; raises ``SpecError``.

    ``auto`` detects the dialect per object (:func:`detect_dialect`). The input is never
    modified. Equal objects give the same (frozen, shared) ``ToolSpec``: treat its
    ``parameters`` as read-only.
    """
    try:
        key = orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError):  # not plain JSON: import it uncached
        return _import(obj, dialect)
    return _import_cached(key, dialect)


@lru_cache(maxsize=CACHE_SIZE)
def _import_cached(key: bytes, dialect: str) -> ToolSpec:
    return _import(orjson.loads(key), dialect)


def _import(obj: Any, dialect: str) -> ToolSpec:
    name = detect_dialect(obj) if dialect == "auto" else dialect
    if name in DOCUMENT_DIALECTS:
        raise SpecError(
            "an OpenAPI document holds many tools: use import_tools() or import_openapi()"
        )
    return get_importer(name).to_spec(obj)


def import_tools(objs: Iterable[Any] | Mapping[str, Any], dialect: str = "auto") -> list[ToolSpec]:
    """A list of tools (or an OpenAPI 3 document) → ``ToolSpec``s, in order.

    Raises ``SpecError`` on the first object that cannot be a tool, naming its position.
    """
    if dialect not in ("auto", *DOCUMENT_DIALECTS):
        get_importer(dialect)  # an unknown name fails even for an empty list
    if isinstance(objs, Mapping):
        if dialect in ("auto", *DOCUMENT_DIALECTS) and is_openapi_document(objs):
            return import_openapi(objs)
        raise SpecError("expected a list of tools (or an OpenAPI 3 document), got an object")
    if dialect in DOCUMENT_DIALECTS:
        raise SpecError(f"dialect {dialect!r} reads a document object, got a list")
    if isinstance(objs, str | bytes) or not isinstance(objs, Iterable):
        raise SpecError(f"expected a list of tools, got {type(objs).__name__}")
    specs: list[ToolSpec] = []
    for index, obj in enumerate(objs):
        try:
            specs.append(import_tool(obj, dialect))
        except SpecError as exc:
            raise type(exc)(f"tool {index}: {exc.message}") from exc
    return specs
