"""The rule layer: one failing and one passing case per finding code."""

from __future__ import annotations

import time
from typing import Any

import pytest

from toolspec import ToolSpec, strict_schema
from verifier import CODES, Finding, Sample, ToolCall, Turn, check_rules
from verifier._rules import clear_cache

WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather for a city.",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name, e.g. Paris", "minLength": 2},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                     "description": "Temperature unit"},
            "date": {"type": "string", "format": "date", "description": "Day of the forecast"},
            "days": {"type": "integer", "minimum": 1, "maximum": 14,
                     "description": "Forecast length in days"},
            "station": {"type": "string", "pattern": "^[A-Z]{4}$",
                        "description": "ICAO code of the weather station"},
            "origin": {"type": "object", "description": "Where the user is",
                       "properties": {"lat": {"type": "number", "description": "Latitude"},
                                      "lon": {"type": "number", "description": "Longitude"}},
                       "required": ["lat", "lon"]},
        },
        "required": ["city"],
    },
)  # fmt: skip
GOOD_ARGS: dict[str, Any] = {
    "city": "Paris",
    "unit": "celsius",
    "date": "2024-12-25",
    "days": 3,
    "station": "LFPG",
    "origin": {"lat": 48.85, "lon": 2.35},
}


def sample(
    calls: list[ToolCall] | None = None,
    tools: list[ToolSpec] | None = None,
    *,
    turns: list[Turn] | None = None,
    meta: dict[str, Any] | None = None,
) -> Sample:
    """A user question, one assistant turn with ``calls``, their responses and an answer."""
    if turns is None:
        calls = calls if calls is not None else [ToolCall("get_weather", dict(GOOD_ARGS), "c0")]
        turns = [
            Turn("user", "What's the weather in Paris on Christmas?"),
            Turn("assistant", None if calls else "I cannot do that.", calls),
            *[Turn("tool", '{"temp": 3}', name=c.name, call_id=c.id) for c in calls],
            Turn("assistant", "It will be 3 °C."),
        ]
    return Sample(
        index=0, id="s0", format="openai", tools=tools if tools is not None else [WEATHER],
        turns=turns, meta=meta or {},
    )  # fmt: skip


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def call_with(**changes: Any) -> Sample:
    args = {**GOOD_ARGS, **changes}
    return sample([ToolCall("get_weather", {k: v for k, v in args.items() if v is not ...}, "c0")])


def test_clean_sample_has_no_findings() -> None:
    assert check_rules(sample()) == []


def test_every_finding_uses_a_known_code_and_its_layer() -> None:
    findings = check_rules(call_with(unit="kelvin", days=0, extra=1))
    assert findings
    assert all(f.code in CODES and f.layer == "rules" for f in findings)


@pytest.mark.parametrize(
    ("changes", "code", "path", "message"),
    [
        ({"city": ...}, "call.missing_required", "/city",
         "`city` is required by `get_weather` but missing"),
        ({"zip": "75001"}, "call.unknown_param", "/zip", "`zip` is not a parameter of"),
        ({"days": "3"}, "call.type_mismatch", "/days", "`days` must be an integer; got '3'"),
        ({"origin": {"lat": "48.85", "lon": 2.35}}, "call.type_mismatch", "/origin/lat",
         "`origin/lat` must be a number"),
        ({"origin": {"lat": 1.0, "lon": 2.0, "alt": 3}}, "call.unknown_param", "/origin/alt",
         "`origin/alt` is not a parameter"),
        ({"origin": {"lat": 1.0}}, "call.missing_required", "/origin/lon",
         "`lon` is required by `get_weather` in `origin` but missing"),
        ({"unit": "kelvin"}, "call.enum_violation", "/unit",
         "`unit` must be one of 'celsius', 'fahrenheit'; got 'kelvin'"),
        ({"date": "12/25/2024"}, "call.format_violation", "/date",
         "`date` must be a date in YYYY-MM-DD form; got '12/25/2024'"),
        ({"station": "lfpg"}, "call.format_violation", "/station", "must match the pattern"),
        ({"days": 30}, "call.range_violation", "/days", "`days` must be at most 14; got 30"),
        ({"city": "P"}, "call.range_violation", "/city", "at least 2 characters long"),
    ],
)  # fmt: skip
def test_call_error_is_classified_with_path_and_message(
    changes: dict[str, Any], code: str, path: str, message: str
) -> None:
    findings = check_rules(call_with(**changes))
    assert codes(findings) == [code], findings
    (f,) = findings
    assert (f.turn, f.call, f.path, f.severity) == (1, 0, path, "error")
    assert message in f.message


def test_wrong_type_is_not_also_reported_as_enum_violation() -> None:
    assert codes(check_rules(call_with(unit=["celsius"]))) == ["call.type_mismatch"]


def test_integral_float_counts_as_integer_but_bool_does_not() -> None:
    assert check_rules(call_with(days=3.0)) == []
    assert codes(check_rules(call_with(days=True))) == ["call.type_mismatch"]


def test_integer_is_a_number() -> None:
    assert check_rules(call_with(origin={"lat": 48, "lon": 2})) == []


def test_explicit_additional_properties_allow_extra_params() -> None:
    open_tool = WEATHER.model_copy(
        update={"parameters": {**WEATHER.parameters, "additionalProperties": True}}
    )
    call = ToolCall("get_weather", {"city": "Paris", "x": 1}, "c0")
    assert check_rules(sample([call], [open_tool])) == []


def test_strict_schema_closes_plain_objects_only() -> None:
    closed = strict_schema(WEATHER.parameters, WEATHER.hints)
    assert closed["additionalProperties"] is False
    assert closed["properties"]["origin"]["additionalProperties"] is False
    combined = WEATHER.model_copy(
        update={"parameters": {"type": "object", "properties": {"a": {"type": "string"}},
                               "allOf": [{"properties": {"b": {"type": "string"}}}]}}
    )  # fmt: skip
    assert "additionalProperties" not in strict_schema(combined.parameters, combined.hints)
    assert WEATHER.parameters.get("additionalProperties") is None  # the spec is not mutated


def test_unknown_tool_suggests_the_close_name() -> None:
    findings = check_rules(sample([ToolCall("get_wether", {"city": "Paris"}, "c0")]))
    assert codes(findings) == ["call.unknown_tool"]
    assert "did you mean `get_weather`" in findings[0].message
    assert (findings[0].turn, findings[0].call) == (1, 0)


def test_unknown_tool_when_the_sample_declares_none() -> None:
    findings = check_rules(sample(tools=[]))
    assert codes(findings) == ["call.unknown_tool"]
    assert "declares no tools" in findings[0].message


def test_undecodable_arguments_are_left_to_the_reader() -> None:
    s = sample([ToolCall("get_weather", None, "c0")])
    s.findings.append(Finding.of("call.unparsable", "bad JSON", turn=1, call=0))
    assert check_rules(s) == []


# --- spec checks ---------------------------------------------------------------------


def test_invalid_schema_is_reported_and_calls_are_not_validated() -> None:
    bad = ToolSpec(
        name="f",
        description="Does f.",
        parameters={
            "type": "object",
            "properties": {"a": {"type": "text", "description": "The a value"}},
        },
    )
    findings = check_rules(sample([ToolCall("f", {"a": 1}, "c0")], [bad]))
    assert codes(findings) == ["spec.invalid_schema"]
    assert "`f`" in findings[0].message and findings[0].severity == "error"


def test_parameters_must_be_an_object_schema() -> None:
    bad = ToolSpec(name="f", description="Does f.", parameters={"type": "array"})
    assert codes(check_rules(sample([], [bad]))) == ["spec.invalid_schema"]


def test_pattern_python_cannot_compile_is_an_invalid_schema() -> None:
    bad = ToolSpec(name="f", description="Does f.", parameters={
        "type": "object", "properties": {"a": {"type": "string", "pattern": "(unclosed",
                                               "description": "An a value"}}})  # fmt: skip
    assert codes(check_rules(sample([ToolCall("f", {"a": "x"}, "c0")], [bad]))) == [
        "spec.invalid_schema"
    ]


@pytest.mark.parametrize("description", ["", "TODO", "N/A", "description", "string", "Unit"])
def test_placeholder_parameter_description_is_unclear(description: str) -> None:
    props = dict(WEATHER.parameters["properties"])
    props["unit"] = {**props["unit"], "description": description}
    tool = WEATHER.model_copy(update={"parameters": {**WEATHER.parameters, "properties": props}})
    findings = check_rules(sample(tools=[tool]))
    assert codes(findings) == ["spec.unclear"]
    assert findings[0].path == "/unit" and findings[0].severity == "warning"


def test_missing_tool_description_and_undocumented_required_param_are_unclear() -> None:
    tool = ToolSpec(name="f", description="TODO", parameters={
        "type": "object", "properties": {}, "required": ["q"]})  # fmt: skip
    findings = check_rules(sample([], [tool]))
    assert codes(findings) == ["spec.unclear", "spec.unclear"]
    assert "tool `f` has a placeholder description" in findings[0].message
    assert findings[1].path == "/q" and "does not define it" in findings[1].message


def test_duplicate_tool_names_are_unclear() -> None:
    findings = check_rules(sample(tools=[WEATHER, WEATHER]))
    assert codes(findings) == ["spec.unclear"]
    assert "more than once" in findings[0].message


def test_spec_findings_are_fresh_objects_per_sample() -> None:
    clear_cache()
    tool = ToolSpec(name="f", description="", parameters={"type": "object", "properties": {}})
    first = check_rules(sample([], [tool]))
    first[0].turn = 99
    assert check_rules(sample([], [tool]))[0].turn is None


# --- hostile specs -------------------------------------------------------------------


def one_param(prop: dict[str, Any], value: Any) -> list[Finding]:
    tool = ToolSpec(name="f", description="Does f.", parameters={
        "type": "object", "properties": {"a": {**prop, "description": "The a value"}}})  # fmt: skip
    return check_rules(sample([ToolCall("f", {"a": value}, "c0")], [tool]))


@pytest.mark.parametrize("ref", ["#/nope", "http://127.0.0.1:9/schema.json"])
def test_unresolvable_or_remote_ref_is_an_invalid_schema_not_a_fetch(ref: str) -> None:
    findings = one_param({"$ref": ref}, 1)
    assert codes(findings) == ["spec.invalid_schema"]
    assert "cannot be compiled" in findings[0].message


@pytest.mark.timeout(10)
def test_catastrophic_pattern_does_not_hang() -> None:
    findings = one_param({"type": "string", "pattern": "^(a+)+$"}, "a" * 40 + "!")
    assert codes(findings) == ["call.format_violation"]


def pattern_tool(**schema: Any) -> ToolSpec:
    props = {"x": {"type": "integer", "description": "An x value"}}
    return ToolSpec(name="f", description="Does f.", parameters={
        "type": "object", "properties": props, **schema})  # fmt: skip


EVIL = "^(a+)+$"  # exponential in Python's re on "aaa…a!"


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {EVIL: {"type": "integer"}}},
        {"patternProperties": {EVIL: {"type": "integer"}}, "additionalProperties": False},
        {"patternProperties": {EVIL: {"type": "integer"}}, "unevaluatedProperties": False},
        {"allOf": [{"patternProperties": {EVIL: {}}}], "unevaluatedProperties": False},
    ],
    ids=["pattern-only", "closed", "unevaluated", "unevaluated-allOf"],
)
def test_catastrophic_property_name_pattern_does_not_hang(schema: dict[str, Any]) -> None:
    started = time.perf_counter()
    tool = pattern_tool(**schema)
    hostile = ToolCall("f", {"a" * 40 + "!": 1}, "c0")
    findings = check_rules(sample([hostile], [tool]))
    if "patternProperties" in schema and len(schema) == 1:  # open: other keys are allowed
        assert findings == []
    else:
        assert codes(findings) == ["call.unknown_param"]
        assert findings[0].path == "/" + "a" * 40 + "!"
    # The pattern still applies where it matches: the value must be an integer.
    matched = check_rules(sample([ToolCall("f", {"a" * 40: "one"}, "c0")], [tool]))
    expected = [] if "allOf" in schema else ["call.type_mismatch"]
    assert codes(matched) == expected
    assert time.perf_counter() - started < 1.0


@pytest.mark.timeout(10)
def test_a_pattern_the_engine_gives_up_on_is_a_clear_finding() -> None:
    # A back-reference needs the backtracking engine, which stops at its step limit.
    findings = one_param({"type": "string", "pattern": "^(a|a)+\\1$"}, "a" * 40 + "!")
    assert codes(findings) == ["call.format_violation"]
    assert "could not be checked against the pattern" in findings[0].message
    assert "gave up" in findings[0].message


def test_a_property_name_pattern_the_engine_cannot_compile_is_an_invalid_schema() -> None:
    findings = check_rules(sample([], [pattern_tool(patternProperties={"(unclosed": {}})]))
    assert codes(findings) == ["spec.invalid_schema"]


def test_patterns_use_the_ecma_dialect_in_both_validators() -> None:
    assert one_param({"type": "string", "pattern": "^\\p{L}+$"}, "héllo") == []
    assert codes(one_param({"type": "string", "pattern": "^\\p{L}+$"}, "h3")) == [
        "call.format_violation"
    ]


@pytest.mark.timeout(10)
def test_long_values_do_not_slow_format_checks() -> None:
    assert codes(one_param({"type": "string", "format": "email"}, "a@" + "b." * 50_000)) == [
        "call.format_violation"
    ]


# --- the compile cache ---------------------------------------------------------------


def test_tools_are_compiled_once_per_content() -> None:
    from verifier._rules._compile import _CACHE

    clear_cache()
    twin = ToolSpec(**WEATHER.model_dump())
    assert twin is not WEATHER and twin.spec_hash == WEATHER.spec_hash
    check_rules(sample())
    check_rules(sample(tools=[twin]))
    assert len(_CACHE) == 1


def test_hints_are_part_of_the_cache_key() -> None:
    clear_cache()
    hinted = WEATHER.model_copy(update={"hints": {"/properties/city": "iso3166-alpha2"}})
    assert hinted.spec_hash == WEATHER.spec_hash
    assert check_rules(sample()) == []
    assert codes(check_rules(sample(tools=[hinted]))) == ["call.format_violation"]
