"""The importer entry points: registry, detection, hostile input, no mutation, idempotency."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings, strategies as st

import toolspec._importers as importers
from toolspec import (
    SpecError,
    detect_dialect,
    import_tool,
    import_tools,
    known_dialects,
    load_tools_file,
)
from toolspec.errors import UnknownDialectError


def test_public_surface_is_locked() -> None:
    assert sorted(importers.__all__) == [
        "FORMAT_NAMES",
        "ORIGINAL_TYPE_KEY",
        "ToolImporter",
        "detect_dialect",
        "detect_format",
        "get_importer",
        "import_openapi",
        "import_tool",
        "import_tools",
        "known_dialects",
        "load_tools_file",
        "normalise_schema",
        "parse_type",
        "read_tools_file",
    ]


def test_known_dialects() -> None:
    assert known_dialects() == [
        "bfcl",
        "function",
        "glaive",
        "hermes",
        "openai",
        "openapi3",
        "toolace",
        "xlam",
    ]


def test_unknown_dialect_lists_the_known_ones() -> None:
    with pytest.raises(UnknownDialectError) as info:
        import_tool({"name": "x"}, "swagger")
    assert "toolace" in str(info.value) and "openapi3" in str(info.value)
    assert info.value.code == "spec.unknown_dialect"
    with pytest.raises(UnknownDialectError):
        import_tools([], "nope")


@pytest.mark.parametrize(
    ("obj", "dialect"),
    [
        ({"type": "function", "function": {"name": "f"}}, "openai"),
        ({"name": "f", "parameters": {"type": "object", "properties": {}}}, "function"),
        ({"name": "f"}, "function"),
        ({"name": "f", "parameters": {}}, "function"),
        ({"name": "f", "parameters": {"q": {"type": "str", "description": "d"}}}, "xlam"),
        ({"name": "f", "parameters": {"type": "dict", "properties": {}}}, "bfcl"),
        (
            {"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "int"}}}},
            "bfcl",
        ),
        ({"name": "f", "parameters": {"type": "dict"}, "required": None}, "toolace"),
        ({"openapi": "3.0.0", "paths": {}}, "openapi3"),
    ],
)
def test_detect_dialect(obj: dict[str, Any], dialect: str) -> None:
    assert detect_dialect(obj) == dialect


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ("get_weather", "must be a JSON object"),
        ([{"name": "f"}], "must be a JSON object"),
        ({"description": "no name"}, "needs a 'name'"),
        ({"name": 3}, "string 'name'"),
        ({"name": "f", "parameters": "a string"}, "'parameters' must be an object"),
        ({"name": "f", "parameters": [1, 2]}, "'parameters' must be an object"),
        ({"type": "function", "function": "f"}, "must be an object"),
    ],
)
def test_what_cannot_be_a_tool_is_a_spec_error(obj: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        import_tool(obj)


def test_a_broken_schema_is_still_imported() -> None:
    """Not valid JSON Schema, but a tool: the rule layer reports spec.invalid_schema."""
    spec = import_tool({"name": "f", "parameters": {"type": "object", "properties": [1]}})
    assert spec.parameters == {"type": "object", "properties": [1]}
    odd = import_tool({"name": "f", "description": 7, "parameters": {"type": "widget"}})
    assert odd.description == ""
    assert odd.parameters == {"type": "widget"}


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(200):
        schema = {"type": "dict", "properties": {"x": schema}}
    with pytest.raises(SpecError, match="nested deeper"):
        import_tool({"name": "deep", "parameters": schema})


def test_import_tools_names_the_failing_position() -> None:
    with pytest.raises(SpecError, match="tool 1: "):
        import_tools([{"name": "ok"}, {"nope": 1}])
    with pytest.raises(SpecError, match="expected a list"):
        import_tools("not tools")
    with pytest.raises(SpecError, match="expected a list"):
        import_tools({"name": "f"})
    with pytest.raises(SpecError, match="many tools"):
        import_tool({"openapi": "3.0.0", "paths": {}})


def test_input_is_never_mutated(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "toolace_tools.json").read_bytes())
    tools += orjson.loads((data_dir / "specs" / "xlam_tools.json").read_bytes())
    tools.append(
        {
            "name": "draft3",
            "parameters": {
                "type": "dict",
                "properties": {"a": {"type": "str", "required": True}, "b": {"type": "tuple"}},
                "required": None,
            },
        }
    )
    before = copy.deepcopy(tools)
    specs = import_tools(tools)
    assert tools == before
    draft3 = specs[-1]
    assert draft3.required == ["a"]
    assert "required" not in draft3.properties["a"]


def test_equal_objects_share_one_spec_and_unhashable_input_still_imports() -> None:
    tool = {"name": "f", "parameters": {"type": "dict", "properties": {"a": {"type": "int"}}}}
    first = import_tool(tool)
    again = import_tool(orjson.loads(orjson.dumps(tool)))
    assert again is first
    assert import_tool(tool, "toolace").dialect == "toolace"
    odd = {"name": "f", "parameters": {"type": "object", "properties": {1: {"type": "int"}}}}
    expected: dict[Any, Any] = {1: {"type": "integer", "x-original-type": "int"}}
    assert import_tool(odd).properties == expected


def test_load_tools_file_errors(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read tools file"):
        load_tools_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "a"}\n{not json\n')
    with pytest.raises(SpecError, match="line 2 is not JSON"):
        load_tools_file(bad)
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    with pytest.raises(SpecError, match="no tools"):
        load_tools_file(empty)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"name": "a"}, {"name": 1}]')
    with pytest.raises(SpecError, match="tool 1"):
        load_tools_file(broken)


def test_load_tools_file_openai_request_and_dedup(tmp_path: Path) -> None:
    tool = {"type": "function", "function": {"name": "a", "parameters": {"type": "object"}}}
    body = tmp_path / "request.json"
    body.write_text(orjson.dumps({"tools": [tool, tool]}).decode())
    assert [s.name for s in load_tools_file(body)] == ["a"]


# --- idempotency: importing normalised parameters again changes nothing ---------------

_TYPE_NAMES = [
    "dict", "list", "float", "int", "str", "any", "tuple", "bool", "object", "array", "number",
    "integer", "string", "boolean", "String", "long", "HashMap", "ArrayList", "Boolean",
    "Bigint", "List[int]", "Dict[str, Any]", "Optional[str]", "Tuple[int, str]", "",
]  # fmt: skip
_DESCRIPTIONS = ["The date of the event", "Start date (YYYY-MM-DD)", "The email address", ""]


def _schemas() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.fixed_dictionaries(
        {"type": st.sampled_from(_TYPE_NAMES)},
        optional={
            "description": st.sampled_from(_DESCRIPTIONS),
            "default": st.none() | st.integers() | st.text(max_size=3),
            "enum": st.lists(st.integers(), max_size=2),
            "required": st.none() | st.booleans(),
        },
    )
    return st.recursive(
        leaf,
        lambda inner: st.fixed_dictionaries(
            {"type": st.sampled_from(["dict", "object", "list", "tuple", "array"])},
            optional={
                "properties": st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
                "items": inner | st.lists(inner, max_size=2),
                "required": st.none() | st.lists(st.sampled_from("abc"), max_size=2),
            },
        ),
        max_leaves=8,
    )


@settings(max_examples=200, deadline=None)
@given(_schemas())
def test_normalisation_is_idempotent(params: dict[str, Any]) -> None:
    once = import_tool({"name": "t", "parameters": params})
    twice = import_tool({"name": "t", "parameters": once.parameters})
    assert twice.parameters == once.parameters
    assert twice.hints == once.hints
