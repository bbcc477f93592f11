"""Format checks: schema ``format`` values and formats stated in descriptions (hints)."""

from __future__ import annotations

import pytest

from toolspec import HINT_FORMATS, SCHEMA_FORMATS, ToolSpec
from verifier import Sample, ToolCall, Turn, check_rules


def run(fmt: str, value: object, *, hint: bool) -> list[str]:
    prop: dict[str, object] = {"type": "string", "description": "The value to use"}
    if not hint:
        prop["format"] = fmt
    tool = ToolSpec(
        name="f",
        description="Does f.",
        parameters={"type": "object", "properties": {"v": prop}},
        hints={"/properties/v": fmt} if hint else {},
    )
    turns = [Turn("user", "go"), Turn("assistant", None, [ToolCall("f", {"v": value})])]
    s = Sample(index=0, id="0", format="xlam", tools=[tool], turns=turns,
               meta={"responses": False})  # fmt: skip
    return [f"{f.code} {f.path}" for f in check_rules(s)]


GOOD = {
    "date": ["2024-12-25"],
    "date-time": ["2024-12-25T10:30:00Z", "2024-12-25T10:30:00+01:00", "2024-12-25 10:30"],
    "time": ["10:30", "10:30:15"],
    "email": ["ana.ruiz@example.org"],
    "uri": ["https://example.org/a?b=1", "mailto:ana@example.org"],
    "uuid": ["0b7e5a58-2f4e-4d43-9b8a-7d3f5d3c2a11"],
    "ipv4": ["192.168.0.1"],
    "ipv6": ["2001:db8::1"],
    "iso4217": ["USD", "eur"],
    "iso3166-alpha2": ["US", "us", "UK"],
    "iso639-1": ["en", "en-US", "pt_BR", "zh"],
}
BAD = {
    "date": ["12/25/2024", "2024-13-01", "2024-12-25T10:00"],
    "date-time": ["2024-12-25", "yesterday"],
    "time": ["10.30am"],
    "email": ["ana.ruiz", "a b@example.org"],
    "uri": ["example org", "/relative/path"],
    "uuid": ["1234"],
    "ipv4": ["256.1.1.1"],
    "ipv6": ["2001:db8:::1"],
    "iso4217": ["DOLLARS", "XYZ"],
    "iso3166-alpha2": ["USA", "ZZ"],
    "iso639-1": ["english", "xx"],
}


def test_vocabularies_are_covered() -> None:
    assert set(GOOD) == set(BAD) == set(HINT_FORMATS)
    assert set(SCHEMA_FORMATS) <= set(GOOD)


@pytest.mark.parametrize(("fmt", "value"), [(f, v) for f, vs in GOOD.items() for v in vs])
def test_valid_values_pass(fmt: str, value: str) -> None:
    assert run(fmt, value, hint=True) == []
    if fmt in SCHEMA_FORMATS:
        assert run(fmt, value, hint=False) == []


@pytest.mark.parametrize(("fmt", "value"), [(f, v) for f, vs in BAD.items() for v in vs])
def test_invalid_values_are_format_violations(fmt: str, value: str) -> None:
    assert run(fmt, value, hint=True) == ["call.format_violation /v"]
    if fmt in SCHEMA_FORMATS:
        assert run(fmt, value, hint=False) == ["call.format_violation /v"]


def test_hint_message_says_where_the_rule_comes_from() -> None:
    tool = ToolSpec(
        name="f", description="Does f.",
        parameters={"type": "object", "properties": {
            "start_date": {"type": "string", "description": "Start (YYYY-MM-DD)"}}},
        hints={"/properties/start_date": "date"},
    )  # fmt: skip
    turns = [Turn("user", "go"), Turn("assistant", None, [ToolCall("f", {"start_date": "5/1"})])]
    s = Sample(index=0, id="0", format="xlam", tools=[tool], turns=turns,
               meta={"responses": False})  # fmt: skip
    (finding,) = check_rules(s)
    assert finding.message == (
        "`start_date` must be a date in YYYY-MM-DD form (as its description says); got '5/1'"
    )


def test_a_url_hint_accepts_a_bare_host_but_a_uri_format_does_not() -> None:
    assert run("uri", "www.google.com", hint=True) == []
    assert run("uri", "www.google.com", hint=False) == ["call.format_violation /v"]


def test_formats_constrain_strings_only() -> None:
    assert run("date", 20241225, hint=True) == ["call.type_mismatch /v"]


def test_unknown_formats_stay_annotations() -> None:
    assert run("int32", "anything", hint=False) == []
    assert run("phone", "anything", hint=True) == []
