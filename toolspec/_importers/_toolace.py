"""ToolACE's tool dialect, as found in its system prompts.

ToolACE (Team-ACE/ToolACE) lists tools in the system prompt as JSON in BFCL's dialect
(``"type": "dict"``, ``int``, ``float``, ``str``, ``any``…) and adds a tool-level
``"required": null`` beside ``parameters``; formats live only in descriptions ("in
YYYY-MM-DD format", "2-letter country code - see ISO 3166"), which the shared import path
lifts into ``ToolSpec.hints``. The tool-level ``required`` key tells it apart from BFCL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import function_spec
from toolspec._importers._registry import register
from toolspec._spec import ToolSpec


@register(priority=30)
class ToolACEImporter:
    """A ToolACE tool: a function object with a tool-level ``required`` key."""

    name = "toolace"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return (
            isinstance(obj.get("name"), str)
            and "required" in obj
            and isinstance(obj.get("parameters"), Mapping)
        )

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)
