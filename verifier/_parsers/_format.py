"""Print calls in Python call syntax, the inverse of ``parse_python_calls``.

Names are printed as they are, so ``Market Trends API`` comes out as ToolACE writes it;
the parser reads such names back. Values are printed as Python literals (``True``,
``None``, ``repr`` of strings and floats), which the parser decodes to the same values.
Only JSON-like values can be printed: a non-finite float or any other type is a
ValueError, since no call text stands for it.
"""

from __future__ import annotations

import math
from typing import Any

from verifier._model import ToolCall


def format_python_calls(calls: list[ToolCall]) -> str:
    """``[f(a=1, b='x'), Market Trends API(country='us')]``."""
    return "[" + ", ".join(_call(call) for call in calls) + "]"


def _call(call: ToolCall) -> str:
    if call.arguments is None:
        raise ValueError(f"call {call.name!r} has no decoded arguments to print")
    args = ", ".join(f"{key}={_value(value)}" for key, value in call.arguments.items())
    return f"{call.name}({args})"


def _value(value: Any) -> str:
    if value is None or isinstance(value, bool | str):
        return repr(value)
    if type(value) is int:
        return repr(value)
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no call-syntax literal")
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_value(k)}: {_value(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"a {type(value).__name__} value has no call-syntax literal")
