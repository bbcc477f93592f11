"""A tools file → ``ToolSpec``s, for ``toolproof compile`` and ``toolproof mock serve``.

Accepted contents (JSON, or JSON Lines where each line is one of the items below):
- a list of tools in any dialect (OpenAI tools, bare functions, xLAM, BFCL docs);
- ``{"tools": [...]}`` or ``{"functions": [...]}`` (an OpenAI request body);
- a single tool object;
- BFCL question records (``{"id", "question", "function": [...]}``), one per line;
- an OpenAPI 3 document.
Identical tools repeated across records (BFCL files repeat them per question) are kept
once. Two *different* tools may still share a name (BFCL live categories redefine tools
per question); callers that need unique names check ``spec.name`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from toolspec._importers._api import import_tool
from toolspec._importers._openapi import import_openapi
from toolspec._importers._registry import is_openapi_document
from toolspec._spec import ToolSpec
from toolspec.errors import SpecError


def load_tools_file(path: str | Path) -> list[ToolSpec]:
    """Read every tool in ``path``; ``SpecError`` if the file or a tool cannot be read."""
    file = Path(path)
    specs, errors = _import_each(file)
    if errors:
        where, message = errors[0]
        raise SpecError(f"{file.name}: {where}: {message}")
    if not specs:
        raise SpecError(f"{file.name}: no tools found")
    return specs


def read_tools_file(path: str | Path) -> tuple[list[ToolSpec], list[str]]:
    """Every tool of ``path`` that imports, and one message per tool that does not: for
    callers (seeding a pool) where a bad tool costs only itself. An unreadable or
    unparsable file is still a ``SpecError``."""
    file = Path(path)
    specs, errors = _import_each(file)
    return specs, [f"{file.name}: {where}: {message[:200]}" for where, message in errors]


def _import_each(file: Path) -> tuple[list[ToolSpec], list[tuple[str, str]]]:
    """The file's distinct tools, and (where, why) for each object that is not one."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read tools file {str(file)!r}: {exc.strerror}") from exc
    specs: dict[str, ToolSpec] = {}
    errors: list[tuple[str, str]] = []
    for where, obj in _tool_objects(_parse(raw, file), file):
        try:
            spec = obj if isinstance(obj, ToolSpec) else import_tool(obj)
        except (SpecError, RecursionError, TypeError, ValueError) as exc:
            errors.append((where, getattr(exc, "message", None) or str(exc)))
            continue
        specs.setdefault(spec.spec_hash, spec)
    return list(specs.values()), errors


def _parse(raw: bytes, file: Path) -> list[Any]:
    """The file's top-level JSON values: one for JSON, one per line for JSON Lines."""
    try:
        return [orjson.loads(raw)]
    except orjson.JSONDecodeError:
        pass
    values: list[Any] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            raise SpecError(f"{file.name}: line {number} is not JSON: {exc}") from exc
    return values


def _tool_objects(values: Iterable[Any], file: Path) -> Iterator[tuple[str, Any]]:
    """(where, tool object or already-imported spec) for every tool in the file."""
    for index, value in enumerate(values):
        if isinstance(value, dict) and is_openapi_document(value):
            for spec in import_openapi(value):
                yield f"operation {spec.name!r}", spec
        elif isinstance(value, dict):
            yield from _from_record(value, f"record {index}")
        elif isinstance(value, list):
            for position, item in enumerate(value):
                if isinstance(item, dict) and "function" in item and "question" in item:
                    yield from _from_record(item, f"record {position}")
                else:
                    yield f"tool {position}", item
        else:
            raise SpecError(f"{file.name}: expected tools as JSON objects or lists")


def _from_record(record: dict[str, Any], where: str) -> Iterator[tuple[str, Any]]:
    for key in ("function", "tools", "functions"):
        tools = record.get(key)
        if isinstance(tools, list) and not (key == "function" and "name" in record):
            for position, tool in enumerate(tools):
                yield f"{where}, {key}[{position}]", tool
            return
    yield where, record
