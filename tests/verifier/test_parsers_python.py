"""Unit tests of parse_python_calls on call strings as real datasets write them."""

from __future__ import annotations

from typing import Any

import pytest

from synth.errors import ParseError
from verifier import ToolCall, parse_python_calls


def _pairs(text: str, **options: Any) -> list[tuple[str, dict[str, Any] | None]]:
    return [(c.name, c.arguments) for c in parse_python_calls(text, **options)]


def test_list_of_calls_with_nested_literals() -> None:
    text = '[f(a=1, b="x"), g(c=[1, 2], d={"k": 2.5})]'
    assert _pairs(text) == [("f", {"a": 1, "b": "x"}), ("g", {"c": [1, 2], "d": {"k": 2.5}})]


def test_single_call_without_brackets() -> None:
    assert parse_python_calls("math.factorial(number=5)") == [
        ToolCall(name="math.factorial", arguments={"number": 5})
    ]


def test_toolace_names_with_spaces() -> None:
    text = '[Market Trends API(trend_type="MARKET_INDEXES", country="us")]'
    assert _pairs(text) == [
        ("Market Trends API", {"trend_type": "MARKET_INDEXES", "country": "us"})
    ]


def test_positional_argument_is_an_error_at_its_offset() -> None:
    with pytest.raises(ParseError) as info:
        parse_python_calls("[f(1)]")
    assert info.value.position == 3
    assert "positional" in info.value.message
