"""Read a TOOLS.json for the mock server and the compiler, one bad tool at a time.

A plain JSON list is imported tool by tool, so a tool that no importer can read is one
error (``spec.invalid``) and the others still compile and serve; every other shape (an
OpenAI request body, BFCL function-doc lines, an OpenAPI document) goes through the
importers' ``load_tools_file``, which reads the whole file or fails with a clear error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from mock_apis._compiler import ToolError
from toolspec import ToolSpec, import_tool, load_tools_file
from toolspec.errors import SpecError


def tool_name(obj: Any, position: int) -> str:
    fn = obj.get("function") if isinstance(obj, dict) and obj.get("type") == "function" else obj
    name = fn.get("name") if isinstance(fn, dict) else None
    return name if isinstance(name, str) and name else f"#{position}"


def read_tools(path: Path) -> tuple[list[ToolSpec], list[ToolError]]:
    """Specs and per-tool import errors; ``SpecError`` when the file itself is unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read tools file {str(path)!r}: {exc.strerror}") from exc
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, list) or not all(
        isinstance(d, dict) and "question" not in d for d in data
    ):
        return load_tools_file(path), []
    specs: list[ToolSpec] = []
    errors: list[ToolError] = []
    for position, obj in enumerate(data):
        try:
            specs.append(import_tool(obj))
        except SpecError as exc:
            errors.append(
                ToolError(tool=tool_name(obj, position), code=exc.code, message=exc.message)
            )
    if not specs and not errors:
        raise SpecError(f"{path.name}: no tools found")
    return specs, errors
