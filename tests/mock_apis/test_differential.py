"""Differential: the rule layer and the mock path judge generated arguments alike.

Hypothesis generates values (strings near the asserted formats, numbers at the edges of
floats and 64-bit integers, nested objects and arrays) for a set of tool schemas; each
value goes through the rule layer (``check_rules``) and through a compiled mock (a
session call). Both must say valid or invalid alike and, when invalid, give the same
findings (code, path, message); a valid call must be answered (never an ``exec.*``
failure: the runtime generates for whatever the check lets through). For schemas without
``format``, the verdict must also be that of stock ``jsonschema`` on the strict schema,
an implementation toolproof shares no code with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from mock_apis import MockRunner, MockSession, compile_toolset
from toolspec import ToolSpec, strict_schema
from verifier import Sample, ToolCall, Turn, check_rules

#: Parameter ``v`` of a tool, one schema each; chosen where the two sides used to differ.
SCHEMAS: dict[str, dict[str, Any]] = {
    "date": {"type": "string", "format": "date"},
    "date_time": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time"},
    "email": {"type": "string", "format": "email"},
    "uri": {"type": "string", "format": "uri"},
    "uuid": {"type": "string", "format": "uuid"},
    "ipv4": {"type": "string", "format": "ipv4"},
    "ipv6": {"type": "string", "format": "ipv6"},
    "bounded_number": {"type": "number", "minimum": -1.5, "exclusiveMaximum": 1e300},
    "integer_step": {"type": "integer", "multipleOf": 0.123456789},
    "half_step": {"type": "number", "multipleOf": 0.5},
    "const_false": {"const": [False]},
    "enum_objects": {"enum": [{"a": True}, [1, 2], None, 0]},
    "unique": {"type": "array", "uniqueItems": True},
    "contains": {"type": "array", "contains": {"type": "integer", "minimum": 3},
                 "maxContains": 2},
    "not_string": {"not": {"type": "string"}},
    "nested": {"type": "object", "properties": {"a": {"type": "integer"},
               "b": {"type": "object", "properties": {"c": {"type": "string",
                     "maxLength": 3}}, "required": ["c"]}}, "required": ["a"]},
    "one_of": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]},
    "conditional": {"if": {"type": "string"}, "then": {"minLength": 2},
                    "else": {"type": "integer"}},
    "pattern": {"type": "string", "pattern": "^[A-Z]{2}-\\d{2,4}$"},
    "tuple": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}],
              "items": False},
    "open_map": {"type": "object", "additionalProperties": {"type": "number"},
                 "unevaluatedProperties": False},
}  # fmt: skip

NEAR = {
    "date": ["2024-02-29", "2023-02-29", "20230328", "2024-W01-1", "2024-1-05", "2024-12-31"],
    "date_time": ["2024-05-01T10:00:00Z", "2024-05-01 10:00", "1998-12-31T23:59:60Z",
                  "1998-12-31t23:59:60z", "2024-05-01T10:00:00+24:00", "2024-05-01T25:00"],
    "time": ["10:30", "23:59:60Z", "23:59:60+01:00", "08:30:06z", "24:00", "1030"],
    "email": ["a@b.c", "a@b.c.", ".a@b.co", "a..b@c.de", '"a b"@c.de', "a@[127.0.0.1]",
              "a@[IPv6:::1]", "a@b"],
    "uri": ["https://x.org/a?b", "mailto:a@b.c", "/relative", "www.x.com", "a b:c"],
    "uuid": ["123e4567-e89b-42d3-a456-426614174000", "123e4567e89b42d3a456426614174000",
             "{123e4567-e89b-42d3-a456-426614174000}", "123e4567-e89b42d3-a456-426614174000",
             "urn:uuid:123e4567-e89b-42d3-a456-426614174000"],
    "ipv4": ["192.168.0.1", "256.1.1.1", "01.2.3.4", "1.2.3"],
    "ipv6": ["2001:db8::1", "fe80::1%eth0", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9"],
}  # fmt: skip


def mutated(seed: str) -> st.SearchStrategy[str]:
    """``seed`` with a character inserted, deleted, replaced or its case flipped."""

    @st.composite
    def one(draw: st.DrawFn) -> str:
        text = seed
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, max(0, len(text) - 1)))
            op = draw(st.sampled_from(["ins", "del", "rep", "case", "keep"]))
            ch = draw(st.sampled_from(list("0123456789:-.T Z@+aZ%{}[]/")))
            if op == "ins":
                text = text[:i] + ch + text[i:]
            elif op == "del":
                text = text[:i] + text[i + 1 :]
            elif op == "rep" and text:
                text = text[:i] + ch + text[i + 1 :]
            elif op == "case":
                text = text.swapcase()
        return text

    return one()


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -0.0, 3.0, 1e308, -1e308, 0.123456789 * 3, 2**63, 2**64]),
    st.text(max_size=8),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "c", "x"]), inner, max_size=3),
    ),
    max_leaves=8,
)


def values(name: str) -> st.SearchStrategy[Any]:
    near = [mutated(s) for s in NEAR.get(name, [])]
    return st.one_of(JSON, *near) if near else JSON


def tool(name: str) -> ToolSpec:
    v = {**SCHEMAS[name], "description": "The value to check."}
    params = {"type": "object", "properties": {"v": v}, "required": ["v"]}
    return ToolSpec(name="f", description="Does f.", parameters=params)


@pytest.fixture(scope="module")
def sessions() -> Iterator[dict[str, MockSession]]:
    with MockRunner("inprocess") as runner:
        out = {}
        for name in SCHEMAS:
            bundle = compile_toolset([tool(name)])
            assert not bundle.errors, (name, bundle.errors)
            out[name] = runner.session(bundle)
        yield out


def rule_findings(spec: ToolSpec, args: dict[str, Any]) -> set[tuple[str, str, str]]:
    turns = [Turn("user", "go"), Turn("assistant", None, [ToolCall("f", args)])]
    sample = Sample(index=0, id="0", format="xlam", tools=[spec], turns=turns,
                    meta={"responses": False})  # fmt: skip
    return {(f.code, f.path or "", f.message) for f in check_rules(sample)
            if f.code.startswith("call.") or f.code == "spec.invalid_schema"}  # fmt: skip


@pytest.mark.parametrize("name", list(SCHEMAS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_rule_layer_and_the_mock_agree(
    name: str, data: st.DataObject, sessions: dict[str, MockSession]
) -> None:
    args = {"v": data.draw(values(name))}
    if data.draw(st.booleans()):
        args["extra"] = data.draw(SCALARS)  # a parameter the schema does not define
    spec = tool(name)
    expected = rule_findings(spec, args)
    outcome = sessions[name].call("f", args)
    if not expected:
        assert outcome.ok, (args, outcome.findings)
    else:
        assert outcome.rejected and outcome.status == 422, (args, outcome)
        got = {(f["code"], f["path"], f["message"]) for f in outcome.findings}
        assert got == expected
    if "format" not in SCHEMAS[name]:
        stock = jsonschema.Draft202012Validator(strict_schema(spec.parameters, spec.hints))
        assert stock.is_valid(args) == (not expected), args
