"""Unit tests of parse_python_calls: real call strings, every error with its offset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolspec.errors import ParseError
from verifier import MAX_CALL_TEXT_CHARS, ToolCall, format_python_calls, parse_python_calls


def _pairs(text: str, *, bfcl: bool = False) -> list[tuple[str, dict[str, Any] | None]]:
    return [(c.name, c.arguments) for c in parse_python_calls(text, bfcl=bfcl)]


def _error(text: str, *, bfcl: bool = False) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_python_calls(text, bfcl=bfcl)
    return info.value


# --- shapes and values ------------------------------------------------------------------


def test_list_of_calls_with_nested_literals() -> None:
    text = '[f(a=1, b="x"), g(c=[1, 2], d={"k": 2.5})]'
    assert _pairs(text) == [("f", {"a": 1, "b": "x"}), ("g", {"c": [1, 2], "d": {"k": 2.5}})]


def test_single_call_without_brackets_and_tuple_of_calls() -> None:
    assert parse_python_calls("math.factorial(number=5)") == [
        ToolCall(name="math.factorial", arguments={"number": 5})
    ]
    assert _pairs("f(a=1), g()") == [("f", {"a": 1}), ("g", {})]


def test_empty_list_holds_no_calls() -> None:
    assert parse_python_calls(" [ ] ") == []


def test_constants_tuples_and_sets() -> None:
    text = "[f(a=True, b=False, c=None, d=(1, 'x'), e={3, 1, 2}, f=-7, g='it''s')]"
    assert _pairs(text) == [
        (
            "f",
            {"a": True, "b": False, "c": None, "d": [1, "x"], "e": [3, 1, 2], "f": -7, "g": "its"},
        )
    ]


def test_arithmetic_on_numbers_is_folded() -> None:
    text = "[f(a=-1e-3, b=2**10, c=1/3, d=7//2, e=7%3, f=+5, g=2*-3.5, h=1-2, i=2**-1)]"
    assert _pairs(text) == [
        (
            "f",
            {
                "a": -0.001,
                "b": 1024,
                "c": 1 / 3,
                "d": 3,
                "e": 1,
                "f": 5,
                "g": -7.0,
                "h": -1,
                "i": 0.5,
            },
        )
    ]


def test_strings_keep_escapes_quotes_and_unicode() -> None:
    text = r"""[f(a="say \"hi\"", b='C:\\dir', c="naïve ☃", d='''tri"ple''', e=r"\d+")]"""
    assert _pairs(text) == [
        ("f", {"a": 'say "hi"', "b": "C:\\dir", "c": "naïve ☃", "d": 'tri"ple', "e": "\\d+"})
    ]


def test_whitespace_and_newlines_around_calls() -> None:
    assert _pairs("\n  [\n  f(a=1),\n  g(b=2)\n]\n") == [("f", {"a": 1}), ("g", {"b": 2})]


# --- names Python cannot parse ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('[Market Trends API(city="Paris")]', "Market Trends API"),
        ('[get-weather(city="Paris")]', "get-weather"),
        ('get-weather(city="Paris")', "get-weather"),
        ('[3d_render(city="Paris")]', "3d_render"),
        ('[files/list(city="Paris")]', "files/list"),
        ('[User Feed (Video Posts) V2(city="Paris")]', "User Feed (Video Posts) V2"),
        ('[import(city="Paris")]', "import"),
        ('[my-api.v2.get(city="Paris")]', "my-api.v2.get"),
        ('[Get X (beta) (city="Paris")]', "Get X (beta)"),
        ('[é.\xa0é(city="Paris")]', "é.\xa0é"),
        ('[True(city="Paris")]', "True"),
    ],
)
def test_names_that_are_not_identifiers(text: str, name: str) -> None:
    assert _pairs(text) == [(name, {"city": "Paris"})]


def test_argument_names_that_are_keywords_or_odd() -> None:
    text = '[Flight Search(from="NYC", to="LA", first-name="A", class=2), g(x="a=b, c")]'
    assert _pairs(text) == [
        ("Flight Search", {"from": "NYC", "to": "LA", "first-name": "A", "class": 2}),
        ("g", {"x": "a=b, c"}),
    ]


def test_spaces_around_dots_are_python_attribute_access() -> None:
    assert _pairs("[math . factorial(number=5)]") == [("math.factorial", {"number": 5})]


def test_names_are_kept_as_written_not_nfkc_normalised() -> None:
    assert _pairs("[ﬁnd(ﬁle=1)]") == [("ﬁnd", {"ﬁle": 1})]


# --- errors, each with its offset ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("[f(1)]", 3, "positional arguments are not supported"),
        ("   [f('x', a=1)]", 6, "positional arguments"),
        ("[f(a=1, 'x')]", 11, "positional argument follows keyword argument"),
        ("[f(a=x)]", 5, "bare name 'x'"),
        ("[f(a=true)]", 5, "writes True"),
        ("[f(a=g(1))]", 5, "nested call"),
        ("[f(a=1 2)]", 5, "invalid call syntax"),
        ("[", 0, "never closed"),
        ("[f(a=1), 3]", 9, "item 1 of the list is not a call"),
        ("x", 0, "expected a call or a list of calls"),
        ("[f(a=1, a=2)]", 8, "'a' is given twice"),
        ("[f(**kw)]", 3, "unpacking"),
        ("[f(a={**kw})]", 8, "unpacking"),
        ("[f(a=1e999)]", 5, "not finite"),
        ("[f(a=2**100000)]", 5, "larger than 4096 bits"),
        ("[f(a=1/0)]", 5, "cannot fold /"),
        ("[f(a=(-8)**0.5)]", 5, "not a real number"),
        ('[f(a="x"+"y")]', 5, "on numbers"),
        ("[f(a=not 1)]", 5, "only '-' and '+'"),
        ("[f(a=-True)]", 5, "only '-' and '+'"),
        ('[f(a=b"x")]', 5, "bytes literal"),
        ("[f(a=1j)]", 5, "complex literal"),
        ("[f(a=...)]", 5, "ellipsis literal"),
        ("[f(a={1: 2})]", 6, "dict keys must be strings"),
        ('[f(a=f"{x}")]', 5, "not a literal value"),
        ("[f(a=[i for i in x])]", 5, "not a literal value"),
        ("[f(a=1)(b=2)]", 1, "has no name"),
        ("[Market API(a=1 2)]", 14, "invalid call syntax"),
        ("[Market API(1)]", 12, "positional"),
        ("[f(a=1)]\x00", 8, "NUL"),
        ('[f(a="\ud800")]', 6, "not valid Unicode"),
        ("[(a=1)]", 2, "invalid call syntax"),
    ],
)
def test_error_positions(text: str, position: int, words: str) -> None:
    error = _error(text)
    assert words in error.message
    assert error.position == position
    assert error.code == "call.unparsable"


def test_error_offsets_count_characters_across_lines_and_unicode() -> None:
    text = '[\n  f(a="é☃"),\r\n  g(b=x)\n]'
    assert _error(text).position == text.index("x")
    text = '[f(a="日本語"), g(b=1 2)]'
    assert _error(text).position == text.index("1 2")


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_an_error_at_its_end(text: str) -> None:
    error = _error(text)
    assert "empty" in error.message
    assert error.position == len(text)


def test_text_over_the_size_cap_is_refused_before_parsing() -> None:
    error = _error("[f(a='" + "x" * MAX_CALL_TEXT_CHARS + "')]")
    assert error.position == MAX_CALL_TEXT_CHARS
    assert "over the limit" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "[f(a=" + "[" * 10_000 + "]" * 10_000 + ")]",
        "[f(a=" + "-" * 100_000 + "1)]",
        "[f(a=" + "not " * 100_000 + "1)]",
        "[f(a=" + "a." * 100_000 + "b)]",
        "[f(a=" + "[" * 150 + "]" * 150 + ")]",
        "[f(a=" + "{'k': " * 150 + "1" + "}" * 150 + ")]",
        "[f(a=" + "1+" * 100_000 + "1)]",
    ],
)
def test_deep_nesting_is_a_parse_error(text: str) -> None:
    assert isinstance(_error(text).position, int)


def test_non_string_input_is_a_parse_error() -> None:
    assert _error(b"[f(a=1)]").position is None  # type: ignore[arg-type]


# --- BFCL-compatible decoding -------------------------------------------------------------


def test_bfcl_mode_reads_names_calls_and_subscripts_as_bfcl_does() -> None:
    text = "[f(a=x, b=g(1), c=h(k=1), d=y[0], e=..., g=(1, 2), i={1: 'a'})]"
    assert _pairs(text, bfcl=True) == [
        (
            "f",
            {
                "a": "x",
                "b": "g(1)",
                "c": {"h": {"k": 1}},
                "d": "y[0]",
                "e": "...",
                "g": [1, 2],
                "i": {1: "a"},
            },
        )
    ]


def test_bfcl_mode_drops_positional_arguments_and_keeps_the_last_repeat() -> None:
    assert _pairs("[sort('final_report.pdf', a=1, a=2)]", bfcl=True) == [("sort", {"a": 2})]


@pytest.mark.parametrize(
    "text", ["[Market Trends API(x=1)]", "[f(a={1, 2})]", "[f(a=lambda: 1)]", "[f(a=x.y)]"]
)
def test_bfcl_mode_refuses_what_bfcl_cannot_decode(text: str) -> None:
    _error(text, bfcl=True)


# --- real call strings ---------------------------------------------------------------------


def _load(data_dir: Path, name: str) -> Any:
    return json.loads((data_dir / "parsers" / name).read_text(encoding="utf-8"))


def test_toolace_call_strings(data_dir: Path) -> None:
    cases = _load(data_dir, "toolace_calls.json")
    assert len(cases) == 25
    for case in cases:
        expected = [ToolCall(c["name"], c["arguments"]) for c in case["calls"]]
        assert parse_python_calls(case["text"]) == expected, case["text"]
        assert parse_python_calls(format_python_calls(expected)) == expected


def test_bfcl_multi_turn_ground_truth_strings(data_dir: Path) -> None:
    cases = _load(data_dir, "bfcl_calls.json")["multi_turn"]
    positional = [c for c in cases if "positional_at" in c]
    assert positional and len(positional) < len(cases)
    for case in cases:
        if "positional_at" in case:
            assert _error(case["text"]).position == case["positional_at"]
            assert _pairs(case["text"], bfcl=True)[0][0] == case["name"]
        else:
            assert _pairs(case["text"]) == [(case["name"], case["arguments"])]


def test_bfcl_possible_answers_survive_printing_and_parsing(data_dir: Path) -> None:
    cases = _load(data_dir, "bfcl_calls.json")["single_turn"]
    assert any("from" in c["arguments"] for case in cases for c in case["calls"])
    for case in cases:
        calls = [ToolCall(c["name"], c["arguments"]) for c in case["calls"]]
        text = format_python_calls(calls)
        assert parse_python_calls(text) == calls, case["id"]
