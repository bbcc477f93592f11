"""BFCL function docs: ``type: dict``, ``float``, ``tuple``, ``any``, Java and JS type names.

The Berkeley Function-Calling Leaderboard writes parameters in a JSON-Schema dialect with
Python type names, and in ``simple_java``/``simple_javascript`` with the language's own
(``String``, ``long``, ``HashMap``, ``Boolean``). Names are mapped by the shared table
(:mod:`._typeexpr`), the name as written is kept under ``x-original-type`` for the BFCL
checker, and a stateful multi-turn doc's ``response`` becomes the output schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import function_spec
from toolspec._importers._registry import register
from toolspec._importers._typeexpr import JSON_TYPES
from toolspec._spec import ToolSpec

_SUBSCHEMA_KEYS = ("items", "additionalProperties")


def uses_foreign_types(schema: Any, depth: int = 0) -> bool:
    """True if any ``type`` in the schema is not a JSON Schema type name."""
    if not isinstance(schema, Mapping) or depth > 64:
        return False
    kind = schema.get("type")
    if isinstance(kind, str) and kind not in JSON_TYPES:
        return True
    if isinstance(kind, list) and any(isinstance(t, str) and t not in JSON_TYPES for t in kind):
        return True
    props = schema.get("properties")
    if isinstance(props, Mapping) and any(uses_foreign_types(s, depth + 1) for s in props.values()):
        return True
    return any(uses_foreign_types(schema.get(k), depth + 1) for k in _SUBSCHEMA_KEYS)


@register(priority=40)
class BfclImporter:
    """A BFCL function doc (``name``, ``description``, ``parameters``, maybe ``response``)."""

    name = "bfcl"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        return isinstance(obj.get("name"), str) and uses_foreign_types(obj.get("parameters"))

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name, output_key="response")
