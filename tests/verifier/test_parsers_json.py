"""Unit tests of parse_json_calls and parse_tool_call_blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolspec.errors import ParseError
from verifier import ToolCall, parse_json_calls, parse_tool_call_blocks


def _json_error(data: Any) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_json_calls(data)
    return info.value


def _block_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_tool_call_blocks(text)
    return info.value


# --- JSON call shapes ------------------------------------------------------------------------

OPENAI_CALLS = [
    {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris", "days": 3}'},
    },
    {"id": "call_2", "type": "function", "function": {"name": "noop", "arguments": "{}"}},
]


def test_openai_tool_calls_list_as_text_and_as_data() -> None:
    expected = [
        ToolCall("get_weather", {"city": "Paris", "days": 3}, id="call_1"),
        ToolCall("noop", {}, id="call_2"),
    ]
    assert parse_json_calls(json.dumps(OPENAI_CALLS)) == expected
    assert parse_json_calls(OPENAI_CALLS) == expected
    assert parse_json_calls({"role": "assistant", "tool_calls": OPENAI_CALLS}) == expected


@pytest.mark.parametrize(
    "data",
    [
        '{"name": "f", "arguments": {"a": [1, {"b": null}]}}',
        '{"name": "f", "arguments": "{\\"a\\": [1, {\\"b\\": null}]}"}',
        '{"name": "f", "parameters": {"a": [1, {"b": null}]}}',
        '[{"name": "f", "arguments": {"a": [1, {"b": null}]}}]',
        {"name": "f", "arguments": {"a": [1, {"b": None}]}},
    ],
)
def test_name_and_arguments_objects(data: Any) -> None:
    assert parse_json_calls(data) == [ToolCall("f", {"a": [1, {"b": None}]})]


def test_missing_arguments_mean_none_given() -> None:
    assert parse_json_calls('{"name": "GetCompetitions"}') == [ToolCall("GetCompetitions", {})]


def test_glaive_single_quoted_arguments_string() -> None:
    text = """{"name": "get_news", "arguments": '{"country": "United States", "n": 2}'}"""
    assert parse_json_calls(text) == [ToolCall("get_news", {"country": "United States", "n": 2})]


def test_hermes_python_dict_with_json_literals() -> None:
    text = "{'name': 'f', 'arguments': {'on': true, 'off': False, 'x': null}}"
    assert parse_json_calls(text) == [ToolCall("f", {"on": True, "off": False, "x": None})]


def test_big_integers_and_lone_surrogates_are_read_exactly() -> None:
    big = 10**30
    assert parse_json_calls(f'{{"name": "f", "arguments": {{"a": {big}}}}}') == [
        ToolCall("f", {"a": big})
    ]
    assert parse_json_calls('{"name": "f", "arguments": {"a": "\\ud800"}}') == [
        ToolCall("f", {"a": "\ud800"})
    ]


def test_glaive_demo_function_calls(data_dir: Path) -> None:
    values = json.loads((data_dir / "parsers" / "glaive_function_calls.json").read_text("utf-8"))
    assert len(values) == 20
    for value in values:
        decoded = json.loads(value)
        assert parse_json_calls(value) == [ToolCall(decoded["name"], decoded["arguments"])]


# --- JSON errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "position", "words"),
    [
        ('{"name": "f";}', 12, "invalid JSON"),
        ('  {"name": "f"', 14, "invalid JSON"),
        ("", 0, "invalid JSON"),
        ('{"name": "f", "arguments": {"a": NaN}}', 33, "NaN is not a JSON value"),
        ('{"name": "f", "arguments": "{\\"a\\": 1,}"}', 8, "character 8 of the arguments"),
        ('{"name": "f", "arguments": ""}', 0, "arguments of call 0 are not valid JSON"),
        ("[" * 10_000, 0, "nested too deeply"),
    ],
)
def test_json_text_errors(data: str, position: int, words: str) -> None:
    error = _json_error(data)
    assert words in error.message
    assert error.position == position


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("3", "not a scalar"),
        ('"f"', "not a string"),
        ("[1]", "call 0 is a scalar"),
        ('{"arguments": {}}', "no name"),
        ('[{"name": "f"}, {"name": ""}]', "call 1 has no name"),
        ('{"name": "f", "arguments": [1]}', "are an array"),
        ('{"name": "f", "arguments": "[1]"}', "are an array"),
        ('{"function": "f"}', "'function' is a string"),
        ('{"name": "f", "id": [1]}', "'id' is an array"),
    ],
)
def test_json_structure_errors_have_no_position(data: str, words: str) -> None:
    error = _json_error(data)
    assert words.split("not ")[-1] in error.message
    assert error.position is None


# --- <tool_call> blocks ----------------------------------------------------------------------


def test_blocks_with_text_around_them() -> None:
    text = (
        "Let me look that up.\n<tool_call>\n"
        '{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n'
        "<tool_call>{'arguments': {'symbol': 'TSLA'}, 'name': 'get_stock_price'}</tool_call>"
        " done"
    )
    assert parse_tool_call_blocks(text) == [
        ToolCall("get_weather", {"city": "Paris"}),
        ToolCall("get_stock_price", {"symbol": "TSLA"}),
    ]


def test_text_without_blocks_holds_no_calls() -> None:
    assert parse_tool_call_blocks("The weather in Paris is sunny.") == []


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ('ok <tool_call>{"name": "f"}', 3, "never closed"),
        ('ok </tool_call><tool_call>{"name": "f"}</tool_call>', 3, "without an opening"),
        ('<tool_call>{"name": "f"}</tool_call> <tool_call> \n</tool_call>', 37, "empty"),
        ('x <tool_call>{"name": "f";}</tool_call>', 25, "invalid JSON"),
        ('<tool_call>{"name": "f", "arguments": "{,}"}</tool_call>', 1, "arguments string"),
        ('<tool_call>{"name": "f"}</tool_call><tool_call>[1]</tool_call>', None, "block at 36"),
    ],
)
def test_block_errors(text: str, position: int | None, words: str) -> None:
    error = _block_error(text)
    assert words in error.message
    assert error.position == position
