"""Importers: every tool dialect found in real data → ``ToolSpec``.

PLACEHOLDER during bootstrap: handles OpenAI tools and bare function objects only; the
importers issue replaces this with one module per dialect and a registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from synth._spec import ToolSpec
from synth.errors import SpecError


def import_tool(obj: Any, dialect: str = "auto") -> ToolSpec:
    """One tool object in any known dialect → ``ToolSpec``; raises ``SpecError``."""
    if not isinstance(obj, dict):
        raise SpecError(f"a tool must be a JSON object, got {type(obj).__name__}")
    fn = obj.get("function") if obj.get("type") == "function" else obj
    if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
        raise SpecError("a tool needs a string 'name'")
    params = fn.get("parameters") or {"type": "object", "properties": {}}
    if not isinstance(params, dict):
        raise SpecError(f"tool {fn['name']!r}: 'parameters' must be an object")
    return ToolSpec(
        name=fn["name"],
        description=str(fn.get("description") or ""),
        parameters=params,
        dialect=dialect if dialect != "auto" else "openai",
    )


def import_tools(objs: Iterable[Any], dialect: str = "auto") -> list[ToolSpec]:
    """Import a list of tools; raises ``SpecError`` on the first that cannot be read."""
    return [import_tool(o, dialect) for o in objs]
