"""Parse JSON tool calls: OpenAI ``tool_calls``, ``{"name", "arguments"}`` objects, lists.

Accepted shapes, alone or in a list:

- OpenAI: ``{"id", "type": "function", "function": {"name", "arguments": "<JSON string>"}}``;
  an assistant message ``{"tool_calls": [...]}`` is read as its list;
- ``{"name", "arguments": {...} | "<JSON string>"}`` (ShareGPT, xLAM, Hermes) and
  ``{"name", "parameters": {...}}``; no arguments at all means ``{}``.

Text that is not JSON but is a Python literal of the same shape is accepted too, because
real data is written that way: Glaive's ``{"name": "x", "arguments": '{"a": 1}'}`` and
Hermes' ``{'name': 'x', 'arguments': {...}}``; JSON's ``true``/``false``/``null`` keep
their meaning there. An *arguments string* must be strict JSON: a malformed one is a
ParseError whose position is the offset inside that arguments string. Errors in the
structure of decoded data carry no position (there is no text to point into).
"""

from __future__ import annotations

import ast
import json
from typing import Any

from toolspec.errors import ParseError
from verifier._model import ToolCall
from verifier._parsers._text import check_size, fail
from verifier._parsers._values import ValueDecoder

_JSON_NAMES = {"true": True, "false": False, "null": None}


def parse_json_calls(data: str | Any) -> list[ToolCall]:
    """Calls from JSON text, or from already-decoded JSON data (dicts and lists)."""
    value = decode_json_text(data, 0) if isinstance(data, str) else data
    if isinstance(value, dict) and "tool_calls" in value and "name" not in value:
        value = value["tool_calls"]
    if isinstance(value, dict):
        items: list[Any] = [value]
    elif isinstance(value, list):
        items = value
    else:
        fail(f"expected a call object or a list of them, not {_kind(value)}", None)
    return [_call(item, number) for number, item in enumerate(items)]


def decode_json_text(text: str, offset: int) -> Any:
    """JSON (or a Python literal of JSON-like data); error positions are shifted by ``offset``."""
    check_size(text)
    try:
        return _strict_json(text)
    except ParseError as error:
        literal = _python_literal(text)
        if literal is not None:
            return literal
        raise ParseError(error.message, position=_shift(error.position, offset)) from None


def _strict_json(text: str) -> Any:
    """``json.loads`` with its error turned into a ParseError (NaN/Infinity refused).

    The standard library's decoder, not orjson: orjson reads integers past 64 bits as
    floats and refuses escaped lone surrogates, and a verifier must see the value written.
    """

    def refuse(constant: str) -> Any:
        fail(f"{constant} is not a JSON value", max(text.find(constant), 0))

    try:
        return json.loads(text, parse_constant=refuse)
    except ParseError:
        raise
    except json.JSONDecodeError as exc:
        fail(f"invalid JSON: {exc.msg}", exc.pos)
    except RecursionError:
        fail("JSON is nested too deeply", 0)
    except ValueError as exc:
        fail(f"invalid JSON: {exc}", 0)


def _python_literal(text: str) -> Any:
    """The data a Python literal dict/list stands for, or None if ``text`` is not one."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        tree = ast.parse(stripped, mode="eval")
        return ValueDecoder(lambda node: 0, bfcl=False, names=_JSON_NAMES).decode(tree.body)
    except (SyntaxError, ValueError, ParseError, RecursionError, MemoryError):
        return None


def _shift(position: int | None, offset: int) -> int | None:
    return None if position is None else position + offset


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else "a scalar"


def _call(item: Any, number: int) -> ToolCall:
    if not isinstance(item, dict):
        fail(f"call {number} is {_kind(item)}, not an object", None)
    source = item
    function = item.get("function")
    if "name" not in item and function is not None:
        if not isinstance(function, dict):
            fail(f"call {number}: 'function' is {_kind(function)}, not an object", None)
        source = function
    name = source.get("name")
    if not isinstance(name, str) or not name:
        fail(f"call {number} has no name (a non-empty string)", None)
    call_id = item.get("id")
    if call_id is not None and not isinstance(call_id, str | int):
        fail(f"call {number}: 'id' is {_kind(call_id)}, not a string", None)
    raw = source["arguments"] if "arguments" in source else source.get("parameters", {})
    if isinstance(raw, str):
        raw = _arguments_text(raw, number)
    if not isinstance(raw, dict):
        fail(f"arguments of call {number} are {_kind(raw)}, not an object", None)
    return ToolCall(name=name, arguments=raw, id=None if call_id is None else str(call_id))


def _arguments_text(raw: str, number: int) -> Any:
    """An arguments string: strict JSON; the error position is inside this string."""
    try:
        check_size(raw)
        return _strict_json(raw)
    except ParseError as error:
        raise ParseError(
            f"arguments of call {number} are not valid JSON: {error.message} "
            f"(character {error.position} of the arguments string)",
            position=error.position,
        ) from None
