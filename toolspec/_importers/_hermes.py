"""Hermes ``<tools>`` entries and Glaive system-prompt functions.

Hermes function-calling prompts list OpenAI tools inside ``<tools></tools>``; Glaive's
system prompts hold bare function objects. Both are OpenAI-ish but looser: ``parameters``
is often missing or ``{"type": "object", "properties": {}}``. Their shapes cannot be told
apart from ``openai``/``function``, so these dialects are used by name only (a reader that
knows its dataset passes it) and label the spec with where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import function_spec
from toolspec._importers._registry import register
from toolspec._spec import ToolSpec


@register(priority=None)
class HermesImporter:
    """A tool from a Hermes ``<tools>`` block, wrapped or bare."""

    name = "hermes"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return False

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)


@register(priority=None)
class GlaiveImporter:
    """A function object from a Glaive system prompt."""

    name = "glaive"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return False

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)
