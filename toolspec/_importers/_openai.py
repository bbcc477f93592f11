"""OpenAI tools (``{"type": "function", "function": {...}}``) and bare function objects.

The two shapes of the OpenAI chat API (``tools`` and the older ``functions``) and of most
datasets derived from it. Both importers also read the other shape, so a caller that
names the wrong one of the two still gets the tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import function_spec
from toolspec._importers._registry import register
from toolspec._spec import ToolSpec


@register(priority=10)
class OpenAIImporter:
    """``{"type": "function", "function": {"name", "description", "parameters"}}``."""

    name = "openai"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return obj.get("type") == "function" and "function" in obj

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)


@register(priority=90)
class FunctionImporter:
    """A bare ``{"name", "description", "parameters"}`` object: the catch-all."""

    name = "function"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return "name" in obj

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)
