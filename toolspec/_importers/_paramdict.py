"""xLAM/APIGen parameter mappings → a JSON Schema object.

xLAM (``Salesforce/xlam-function-calling-60k``) and APIGen write parameters as a mapping
from name to ``{"type": "str", "description": ..., "default": ...}`` with Python type
annotations (``List[int]``, ``Dict[str, Any]``, ``str, optional``). A parameter is
required unless its type says optional or it has a default — the convention the xLAM data
follows, where optional parameters carry ``", optional"`` or a ``default``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._schema import ORIGINAL_TYPE_KEY
from toolspec._importers._typeexpr import JSON_TYPES, parse_type


def is_param_dict(params: Mapping[str, Any]) -> bool:
    """Every value is a parameter spec (a mapping); at least one parameter."""
    return bool(params) and all(isinstance(v, Mapping) for v in params.values())


def param_dict_to_schema(params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"q": {"type": "str, optional"}}`` → ``{"type": "object", "properties": …}``."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in params.items():
        prop, optional = _param(spec)
        properties[name] = prop
        if not optional and "default" not in spec:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def _param(spec: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    written = spec.get("type")
    if not isinstance(written, str) or written in JSON_TYPES:
        return dict(spec), False
    parsed = parse_type(written)
    if parsed is None:  # unknown annotation: keep it, the rule layer reports it
        lowered = written.lower()
        return dict(spec), lowered.endswith("optional") or lowered.startswith("optional[")
    prop: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "type":
            prop.update(parsed.schema)
            prop[ORIGINAL_TYPE_KEY] = written
        elif key not in parsed.schema:
            prop[key] = value
    return prop, parsed.optional
