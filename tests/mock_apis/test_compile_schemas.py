"""Parameter schemas: checked by the shared argument check, refs inlined for the
generator, patterns expanded."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from mock_apis import compile
from mock_apis._compiler import ToolCompileError
from mock_apis._compiler._patterns import expand, program
from mock_apis._compiler._schemas import normalise, output_schema
from toolspec import ToolSpec, tool_check


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def test_local_refs_are_inlined() -> None:
    schema = {**obj(a={"$ref": "#/$defs/id"}), "$defs": {"id": {"type": "string"}}}
    assert normalise(schema, "t", []) == obj(a={"type": "string"})


def test_a_ref_with_siblings_keeps_both() -> None:
    schema = {**obj(a={"$ref": "#/$defs/id", "maxLength": 3}), "$defs": {"id": {"type": "string"}}}
    assert normalise(schema, "t", [])["properties"]["a"] == {
        "allOf": [{"type": "string"}, {"maxLength": 3}]
    }


def test_draft7_tuple_items_become_prefix_items() -> None:
    out = normalise(
        obj(p={"type": "array", "items": [{"type": "number"}, {"type": "number"}]}), "t", []
    )
    assert out["properties"]["p"] == {"type": "array", "prefixItems": [{"type": "number"}] * 2}


def test_a_recursive_ref_is_inlined_once_then_stands_for_any_value() -> None:
    notes: list[str] = []
    schema = {**obj(n={"$ref": "#/$defs/n"}), "$defs": {"n": obj(c={"$ref": "#/$defs/n"})}}
    assert normalise(schema, "t", notes) == obj(n=obj(c={}))
    assert notes and "recursive $ref" in notes[0]


def test_keywords_the_generator_does_not_use_are_kept() -> None:
    schema = obj(a={"if": {"type": "string"}, "then": {"minLength": 2}}, b={"$dynamicRef": "#x"})
    assert normalise(schema, "t", []) == schema


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        (obj(a={"$ref": "https://example.com/s.json"}), "remote $ref"),
        (obj(a={"$ref": "#/$defs/missing"}), "cannot be compiled"),
        (obj(a={"type": "dict"}), "not a valid JSON Schema"),
        (obj(a={"type": "string", "pattern": "(["}), "cannot be compiled"),
        (obj(a={"type": "string", "maxLength": -1}), "not a valid JSON Schema"),
        ({"type": "array"}, "type object"),
    ],
)  # fmt: skip
def test_what_the_check_refuses_is_refused_with_its_words(schema: Any, words: str) -> None:
    """A tool whose arguments cannot be checked cannot be mocked: ``spec.invalid_schema``
    with the rule layer's own sentence."""
    bundle = compile([ToolSpec(name="tool_x", description="Does x.", parameters=schema)])
    (error,) = bundle.errors
    assert (error.tool, error.code) == ("tool_x", "spec.invalid_schema")
    assert words in error.message
    assert error.message == tool_check("tool_x", schema, {})


@pytest.mark.parametrize(
    ("schema", "code", "words"),
    [
        ({**obj(n={"$ref": "#/$defs/n"}), "$defs": {"n": obj(c={"$ref": "#/$defs/n"})}},
         "compile.unsupported", "recursive $ref"),
        (obj(a={"$ref": "https://example.com/s.json"}), "compile.unsupported", "is remote"),
        (obj(a={"$ref": "#/$defs/missing"}), "spec.invalid_schema", "not found"),
    ],
)  # fmt: skip
def test_an_output_schema_must_be_inlined_in_full(schema: Any, code: str, words: str) -> None:
    with pytest.raises(ToolCompileError) as info:
        output_schema(schema, "tool_x")
    assert info.value.code == code
    assert words in info.value.detail
    assert info.value.tool == "tool_x"


def test_draft3_boolean_required_is_dropped() -> None:
    schema = obj(a={"type": "string", "required": True})
    assert normalise(schema, "t", []) == obj(a={"type": "string"})


@pytest.mark.parametrize(
    "pattern",
    [r"^ORD-\d{6}$", r"^[A-Z]{2}[0-9]{3,5}$", r"^(EUR|USD|GBP)$", r"\w+@example\.com",
     r"^[a-f0-9]{8}-[a-f0-9]{4}$", r"^[^\s]{3}$", r"^(?:ab)+c?$", r"^.{2,4}$"],
)  # fmt: skip
def test_patterns_expand_to_matching_strings(pattern: str) -> None:
    prog = program(pattern)
    assert prog is not None
    rng = random.Random(1)
    assert all(re.search(pattern, expand(prog, rng)) for _ in range(50))


@pytest.mark.parametrize("pattern", [r"^(?=.*\d)\w{8}$", r"^(a)\1$"])
def test_patterns_without_a_generator(pattern: str) -> None:
    assert program(pattern) is None
