"""The mock path: arguments checked on the host with the rule layer's codes; the stdlib
runtime's realistic deterministic values and per-session state."""

from __future__ import annotations

import ast
from typing import Any

import jsonschema
import pytest

from mock_apis import MockBundle, MockOutcome, MockRunner, compile, example_arguments
from mock_apis._runtime import runtime_modules
from sandbox import ALLOWED_MODULES
from toolspec import ToolSpec


def call_with(schema: dict[str, Any], value: Any) -> MockOutcome:
    """``f(v=value)`` on a compiled mock of a tool whose one parameter ``v`` is ``schema``."""
    params = {"type": "object", "properties": {"v": schema}, "required": ["v"]}
    bundle = compile([ToolSpec(name="f", description="Does f.", parameters=params)])
    assert not bundle.errors, bundle.errors
    with MockRunner("inprocess") as runner:
        return runner.session(bundle).call("f", {"v": value})


@pytest.mark.parametrize(
    ("schema", "value", "code"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, {},
         "call.missing_required"),
        ({"type": "object", "properties": {}}, {"x": 1}, "call.unknown_param"),
        ({"type": "string"}, 3, "call.type_mismatch"),
        ({"type": "integer"}, True, "call.type_mismatch"),
        ({"enum": [1, 2]}, True, "call.enum_violation"),
        ({"const": "a"}, "b", "call.enum_violation"),
        ({"type": "string", "pattern": "^a+$"}, "b", "call.format_violation"),
        ({"type": "string", "format": "date"}, "2024-13-01", "call.format_violation"),
        ({"type": "string", "format": "email"}, "nobody", "call.format_violation"),
        ({"type": "string", "format": "ipv4"}, "300.1.1.1", "call.format_violation"),
        ({"type": "string", "format": "ipv6"}, "1:2:3", "call.format_violation"),
        ({"type": "integer", "minimum": 1}, 0, "call.range_violation"),
        ({"type": "number", "exclusiveMaximum": 1}, 1, "call.range_violation"),
        ({"type": "number", "multipleOf": 0.5}, 0.3, "call.range_violation"),
        ({"type": "string", "maxLength": 2}, "abc", "call.range_violation"),
        ({"type": "array", "minItems": 2}, [1], "call.range_violation"),
        ({"type": "array", "uniqueItems": True}, [1, 1], "call.range_violation"),
        ({"type": "array", "items": {"type": "integer"}}, [1, "x"], "call.type_mismatch"),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, [], "call.type_mismatch"),
    ],
)  # fmt: skip
def test_findings_carry_the_rule_layer_codes(schema: dict[str, Any], value: Any, code: str) -> None:
    out = call_with(schema, value)
    assert out.status == 422 and out.rejected
    assert out.codes[0] == code


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "integer"}, 3.0),
        ({"type": "number"}, 3),
        ({"type": "string", "format": "date-time"}, "2024-06-15T10:00:00Z"),
        ({"type": "string", "format": "ipv6"}, "2001:db8::1"),
        ({"type": "string", "format": "uuid"}, "123e4567-e89b-42d3-a456-426614174000"),
        ({"type": "object", "additionalProperties": True}, {"anything": 1}),
        ({"type": "object", "properties": {"a": {"type": "object"}}}, {"a": {"extra": 1}}),
    ],
)
def test_valid_values_pass(schema: dict[str, Any], value: Any) -> None:
    out = call_with(schema, value)
    assert out.ok and not out.rejected, out.findings


def test_runtime_imports_only_what_the_sandbox_allows() -> None:
    for name, source in runtime_modules().items():
        tree = ast.parse(source)
        imported = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
        assert imported <= set(ALLOWED_MODULES), name
        assert not [n for n in tree.body if isinstance(n, ast.ImportFrom)], name


def test_same_call_same_answer_across_sessions(shop: MockBundle, inprocess: MockRunner) -> None:
    args = {"location": "Lyon"}
    one = inprocess.session(shop).call("get_weather", args)
    two = inprocess.session(shop).call("get_weather", dict(args))
    other = inprocess.session(shop).call("get_weather", {"location": "Oslo"})
    assert one.ok and one.result == two.result
    assert other.result != one.result


def test_weather_answers_look_like_weather(shop: MockBundle, inprocess: MockRunner) -> None:
    out = inprocess.session(shop).call("get_weather", {"location": "Lyon"})
    assert out.result["location"] == "Lyon"
    assert out.result["unit"] == "celsius"  # the declared default is applied and echoed
    assert isinstance(out.result["temperature"], float) and -5 <= out.result["temperature"] <= 35
    assert isinstance(out.result["condition"], str)


def test_answers_conform_to_the_response_schema(shop: MockBundle, inprocess: MockRunner) -> None:
    session = inprocess.session(shop)
    for t in shop.manifest.tools:
        out = session.call(t.name, example_arguments(t))
        assert out.ok, (t.name, out.findings)
        jsonschema.validate(out.result, t.response_schema)


def test_invalid_arguments_answer_422_with_codes(shop: MockBundle, inprocess: MockRunner) -> None:
    session = inprocess.session(shop)
    out = session.call("create_order", {"item": "tea", "quantity": 0, "colour": "red"})
    assert out.status == 422
    assert sorted(out.codes) == ["call.range_violation", "call.unknown_param"]
    assert session.call("get_order", {"order_id": "123"}).codes == ["call.format_violation"]
    assert session.call("nope", {}).codes == ["call.unknown_tool"]
    assert session.call("get_order", [1]).codes == ["call.type_mismatch"]


def test_list_answers_count_what_they_list(inprocess: MockRunner) -> None:
    from mock_apis import compile
    from toolspec import ToolSpec

    params = {"type": "object", "properties": {"city": {"type": "string"}}}
    browse = ToolSpec(name="list_hotels", description="List hotels", parameters=params)
    bundle = compile([browse])
    for seed in range(5):
        out = inprocess.session(bundle).call("list_hotels", {"city": f"City {seed}"}).result
        assert out["count"] == len(out["results"])
