"""Parameter schemas: refs inlined, the runtime's vocabulary enforced, patterns expanded."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from mock_apis._compiler import SUPPORTED, ToolCompileError
from mock_apis._compiler._patterns import expand, program
from mock_apis._compiler._schemas import normalise
from mock_apis._runtime import tpmock_check


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def test_the_compiler_and_the_runtime_share_one_vocabulary() -> None:
    assert SUPPORTED == tpmock_check.SUPPORTED


def test_local_refs_are_inlined() -> None:
    schema = {**obj(a={"$ref": "#/$defs/id"}), "$defs": {"id": {"type": "string"}}}
    assert normalise(schema, "t") == obj(a={"type": "string"})


def test_a_ref_with_siblings_keeps_both() -> None:
    schema = {**obj(a={"$ref": "#/$defs/id", "maxLength": 3}), "$defs": {"id": {"type": "string"}}}
    assert normalise(schema, "t")["properties"]["a"] == {
        "allOf": [{"type": "string"}, {"maxLength": 3}]
    }


def test_draft7_tuple_items_become_prefix_items() -> None:
    out = normalise(
        obj(p={"type": "array", "items": [{"type": "number"}, {"type": "number"}]}), "t"
    )
    assert out["properties"]["p"] == {"type": "array", "prefixItems": [{"type": "number"}] * 2}


@pytest.mark.parametrize(
    ("schema", "code", "words"),
    [
        ({**obj(n={"$ref": "#/$defs/n"}), "$defs": {"n": obj(c={"$ref": "#/$defs/n"})}},
         "compile.unsupported", "recursive $ref"),
        (obj(a={"$ref": "https://example.com/s.json"}), "compile.unsupported", "remote $ref"),
        (obj(a={"$ref": "#/$defs/missing"}), "spec.invalid_schema", "not found"),
        (obj(a={"if": {"type": "string"}, "then": {}}), "compile.unsupported", "'if'"),
        (obj(a={"type": "dict"}), "spec.invalid_schema", "unknown type 'dict'"),
        (obj(a={"type": "string", "pattern": "(["}), "spec.invalid_schema", "does not compile"),
        (obj(a={"type": "string", "maxLength": -1}), "spec.invalid_schema", "non-negative"),
        ({"type": "array"}, "spec.invalid_schema", "object schema"),
        ([], "spec.invalid_schema", "JSON object"),
    ],
)  # fmt: skip
def test_unusable_schemas_fail_with_a_code_and_a_place(schema: Any, code: str, words: str) -> None:
    with pytest.raises(ToolCompileError) as info:
        normalise(schema, "tool_x")
    assert info.value.code == code
    assert words in info.value.detail
    assert info.value.tool == "tool_x"


def test_draft3_boolean_required_is_dropped() -> None:
    assert normalise(obj(a={"type": "string", "required": True}), "t") == obj(a={"type": "string"})


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
