"""``ToolSpec``: the one model of a tool, whatever dialect it was written in.

Importers (``toolspec._importers``) turn every dialect found in real data into this shape:
``parameters`` is always a JSON Schema object (draft 2020-12 vocabulary) after dialect
normalisation, so that the rule layer, the mock compiler and the judge see one thing.
``spec_hash`` identifies the tool by content; validators and bundles are cached by it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field


class ToolSpec(BaseModel):
    """A tool (API) definition: name, description, JSON-Schema parameters, optional output."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    output_schema: dict[str, Any] | None = None
    dialect: str = "openai"
    #: Hints the importer found outside the schema proper, e.g. formats stated only in a
    #: parameter's description (``{"/properties/date": "date"}``), keyed by JSON pointer.
    hints: dict[str, str] = Field(default_factory=dict)

    @cached_property
    def spec_hash(self) -> str:
        """sha256 of the canonical JSON of the parts that define behaviour."""
        parts = {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "output_schema": self.output_schema,
        }
        try:
            payload = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # an integer beyond 64 bits (a bound such as -2**64): stdlib JSON
            payload = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(payload).hexdigest()

    @property
    def required(self) -> list[str]:
        req = self.parameters.get("required")
        return [r for r in req if isinstance(r, str)] if isinstance(req, list) else []

    @property
    def properties(self) -> dict[str, Any]:
        props = self.parameters.get("properties")
        return props if isinstance(props, dict) else {}

    def to_openai(self) -> dict[str, Any]:
        """The spec as an OpenAI ``tools`` entry."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }
