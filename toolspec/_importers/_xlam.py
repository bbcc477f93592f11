"""xLAM / APIGen tools: parameters as a name → ``{"type": "str", ...}`` mapping.

The conversion itself lives in :mod:`._paramdict` because every importer accepts this
shape; this module makes it a dialect that auto-detection recognises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import function_spec, is_schema_like
from toolspec._importers._paramdict import is_param_dict
from toolspec._importers._registry import register
from toolspec._spec import ToolSpec


@register(priority=20)
class XlamImporter:
    """``{"name", "description", "parameters": {"p": {"type": "List[int]", ...}}}``."""

    name = "xlam"

    def detect(self, obj: Mapping[str, Any]) -> bool:
        params = obj.get("parameters")
        return (
            isinstance(obj.get("name"), str)
            and isinstance(params, Mapping)
            and not is_schema_like(params)
            and is_param_dict(params)
        )

    def to_spec(self, obj: Any) -> ToolSpec:
        return function_spec(obj, self.name)
