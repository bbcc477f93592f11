"""Type names of every dialect → JSON Schema, and the shared schema normaliser."""

from __future__ import annotations

from typing import Any

import pytest

from toolspec._importers import ORIGINAL_TYPE_KEY, normalise_schema, parse_type


@pytest.mark.parametrize(
    ("written", "schema", "optional"),
    [
        ("str", {"type": "string"}, False),
        ("String", {"type": "string"}, False),
        ("char", {"type": "string"}, False),
        ("int", {"type": "integer"}, False),
        ("long", {"type": "integer"}, False),
        ("Bigint", {"type": "integer"}, False),
        ("float", {"type": "number"}, False),
        ("double", {"type": "number"}, False),
        ("Number", {"type": "number"}, False),
        ("bool", {"type": "boolean"}, False),
        ("Boolean", {"type": "boolean"}, False),
        ("dict", {"type": "object"}, False),
        ("HashMap", {"type": "object"}, False),
        ("tuple", {"type": "array"}, False),
        ("ArrayList", {"type": "array"}, False),
        ("any", {}, False),
        ("", {}, False),
        ("List[str]", {"type": "array", "items": {"type": "string"}}, False),
        ("List[int], optional", {"type": "array", "items": {"type": "integer"}}, True),
        ("Union[str, None]", {"type": "string"}, True),
        ("str, optional", {"type": "string"}, True),
        ("Optional[int]", {"type": "integer"}, True),
        ("int | None", {"type": "integer"}, True),
        ("Union[int, float]", {"type": ["integer", "number"]}, False),
        ("Dict[str, Any]", {"type": "object"}, False),
        ("Dict[str, int]", {"type": "object", "additionalProperties": {"type": "integer"}}, False),
        ("Tuple[int, ...]", {"type": "array", "items": {"type": "integer"}}, False),
        (
            "Tuple[float, str]",
            {
                "type": "array",
                "prefixItems": [{"type": "number"}, {"type": "string"}],
                "minItems": 2,
                "maxItems": 2,
            },
            False,
        ),
        ("ArrayList<String>", {"type": "array", "items": {"type": "string"}}, False),
        ("String[]", {"type": "array", "items": {"type": "string"}}, False),
        (
            "List[Dict[str, Union[int, float]]]",
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": {"type": ["integer", "number"]},
                },
            },
            False,
        ),
    ],
)
def test_parse_type(written: str, schema: dict[str, Any], optional: bool) -> None:
    parsed = parse_type(written)
    assert parsed is not None
    assert parsed.schema == schema
    assert parsed.optional is optional


@pytest.mark.parametrize(
    "written",
    ["Callable[[int], int]", "widget", "List[widget]", "List[", "int)", "Tuple[..., int]"],
)
def test_unknown_type_expressions_are_not_guessed(written: str) -> None:
    assert parse_type(written) is None


def test_parse_type_results_are_not_shared() -> None:
    first = parse_type("List[str]")
    assert first is not None
    first.schema["items"]["type"] = "mutated"
    again = parse_type("List[str]")
    assert again is not None and again.schema["items"] == {"type": "string"}


def test_clean_schema_comes_back_as_the_same_object() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "string"}}},
        "required": ["a"],
    }
    assert normalise_schema(schema) is schema


def test_normalise_schema_rewrites_recursively() -> None:
    schema = {
        "type": "dict",
        "properties": {
            "pos": {"type": "tuple", "items": [{"type": "float"}, {"type": "float"}]},
            "tags": {"type": "list", "items": {"type": "str"}},
            "extra": {"type": "dict", "additionalProperties": {"type": "int"}},
            "either": {"anyOf": [{"type": "bool"}, {"type": "null"}]},
            "maybe": {"type": ["str", "null"]},
            "anything": {"type": ["int", "any"]},
            "kept": {"type": "integer", "enum": None, "default": None},
        },
        "required": None,
    }
    assert normalise_schema(schema) == {
        "type": "object",
        ORIGINAL_TYPE_KEY: "dict",
        "properties": {
            "pos": {
                "type": "array",
                ORIGINAL_TYPE_KEY: "tuple",
                "prefixItems": [
                    {"type": "number", ORIGINAL_TYPE_KEY: "float"},
                    {"type": "number", ORIGINAL_TYPE_KEY: "float"},
                ],
            },
            "tags": {
                "type": "array",
                ORIGINAL_TYPE_KEY: "list",
                "items": {"type": "string", ORIGINAL_TYPE_KEY: "str"},
            },
            "extra": {
                "type": "object",
                ORIGINAL_TYPE_KEY: "dict",
                "additionalProperties": {"type": "integer", ORIGINAL_TYPE_KEY: "int"},
            },
            "either": {"anyOf": [{"type": "boolean", ORIGINAL_TYPE_KEY: "bool"}, {"type": "null"}]},
            "maybe": {"type": ["string", "null"], ORIGINAL_TYPE_KEY: ["str", "null"]},
            "anything": {ORIGINAL_TYPE_KEY: ["int", "any"]},
            "kept": {"type": "integer", "default": None},
        },
    }
