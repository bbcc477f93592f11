"""Property tests of the call parsers: printing round-trips, and only ParseError escapes."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from toolspec.errors import ParseError
from verifier import (
    MAX_CALL_TEXT_CHARS,
    ToolCall,
    format_python_calls,
    parse_json_calls,
    parse_python_calls,
    parse_tool_call_blocks,
)

# Names as datasets write them: identifiers, dotted names, ToolACE's spaced names, hyphens,
# slashes, digits first, punctuation. Left out: what the call syntax itself uses (quotes,
# brackets, commas, '='), line breaks, and whitespace at either end or around a dot
# (``a . b`` is the identifier path ``a.b`` in Python).
_NAME_CHARS = st.sampled_from(
    [*"abcXYZ_019 -/.:#@!?&%$~^|<>;+*\\", "é", "日", "ﬁ", "\u00a0", "\x0c"]
)


def _good_name(name: str) -> bool:
    return name != "" and name == name.strip() and re.search(r"[ \t\f]\.|\.[ \t\f]", name) is None


def _good_key(key: str) -> bool:
    return _good_name(key) and "." not in key and key[-1] not in "=<>!:"


names = st.text(_NAME_CHARS, min_size=1, max_size=20).filter(_good_name)
keys = st.one_of(
    st.sampled_from(["from", "class", "import", "lambda", "True", "first-name", "2nd"]),
    st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
    st.text(_NAME_CHARS, min_size=1, max_size=12).filter(_good_key),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
calls = st.lists(
    st.builds(ToolCall, name=names, arguments=st.dictionaries(keys, values, max_size=4)),
    max_size=4,
)


@given(calls)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_printed_calls_parse_back_unchanged(generated: list[ToolCall]) -> None:
    assert parse_python_calls(format_python_calls(generated)) == generated


@given(calls)
@settings(max_examples=200)
def test_json_calls_parse_back_unchanged(generated: list[ToolCall]) -> None:
    plain = [{"name": c.name, "arguments": c.arguments} for c in generated]
    assert parse_json_calls(json.dumps(plain)) == generated
    openai = [
        {
            "id": f"call_{i}",
            "type": "function",
            "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
        }
        for i, c in enumerate(generated)
    ]
    expected = [ToolCall(c.name, c.arguments, id=f"call_{i}") for i, c in enumerate(generated)]
    assert parse_json_calls(json.dumps(openai, ensure_ascii=False)) == expected
    blocks = "".join(f"thinking…<tool_call>\n{json.dumps(p)}\n</tool_call>\n" for p in plain)
    assert parse_tool_call_blocks(blocks) == generated


def _only_parse_errors(text: str) -> None:
    for parse in (parse_python_calls, parse_json_calls, parse_tool_call_blocks):
        try:
            parse(text)
        except ParseError as error:
            assert error.position is None or 0 <= error.position <= len(text)
    with contextlib.suppress(ParseError):
        parse_python_calls(text, bfcl=True)


_SYNTAX = st.text(st.sampled_from([*"[](){}'\",=.:-+*/ 0123456789aeTFN\n\\#<>_", "é"]))


@given(st.one_of(st.text(), _SYNTAX))
@settings(max_examples=600)
def test_arbitrary_text_raises_only_parse_errors(text: str) -> None:
    _only_parse_errors(text)


@given(calls, st.data())
@settings(max_examples=400)
def test_damaged_call_text_raises_only_parse_errors(generated: list[ToolCall], data: Any) -> None:
    text = format_python_calls(generated)
    cut = data.draw(st.integers(0, len(text)))
    noise = data.draw(_SYNTAX)
    _only_parse_errors(text[:cut] + noise + text[cut + data.draw(st.integers(0, 3)) :])
    _only_parse_errors(f"<tool_call>{text[:cut]}</tool_call>")


json_like = st.recursive(
    st.one_of(scalars, st.binary(max_size=4)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["name", "arguments", "function", "id", "x"]), inner, max_size=4
        ),
    ),
    max_leaves=10,
)


@given(json_like)
@settings(max_examples=500)
def test_arbitrary_decoded_data_raises_only_parse_errors(data: Any) -> None:
    with contextlib.suppress(ParseError):
        for call in parse_json_calls(data):
            assert isinstance(call.name, str) and call.name
            assert isinstance(call.arguments, dict)


def test_huge_inputs_are_refused_quickly() -> None:
    huge = "[f(a='" + "x" * 10_000_000 + "')]"
    for parse in (parse_python_calls, parse_json_calls, parse_tool_call_blocks):
        try:
            parse(huge)
        except ParseError as error:
            assert error.position == MAX_CALL_TEXT_CHARS
        else:
            raise AssertionError("a 10 MB call text was accepted")


def test_deep_nesting_in_every_parser() -> None:
    for text in ("[" * 10_000, "{" * 10_000, '{"a":' * 10_000, "[" * 10_000 + "]" * 10_000):
        _only_parse_errors(text)
        _only_parse_errors(f"<tool_call>{text}</tool_call>")
