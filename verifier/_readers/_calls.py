"""Assistant call text → ``ToolCall``s through the call parsers, failures → findings.

Readers know which call syntax their format uses (Python calls, JSON objects, ``<tool_call>``
blocks) and pass the text here; a ``ParseError`` becomes a ``call.unparsable`` finding on the
turn, with the position of the fault, so that the sample is still verified otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from toolspec.errors import ParseError
from verifier._model import Finding, ToolCall
from verifier._parsers import parse_json_calls, parse_python_calls, parse_tool_call_blocks

Parser = Callable[[Any], list[ToolCall]]


PARSERS: dict[str, Parser] = {
    "python": parse_python_calls,
    "json": parse_json_calls,
    "tool_call_blocks": parse_tool_call_blocks,
}


def parse_calls(
    syntax: str, text: Any, turn: int, findings: list[Finding], what: str = "call"
) -> list[ToolCall]:
    """Parse ``text`` in ``syntax``; on failure add a finding and return no calls."""
    try:
        return PARSERS[syntax](text)
    except ParseError as exc:
        where = f" at character {exc.position}" if exc.position is not None else ""
        findings.append(
            Finding.of(
                "call.unparsable",
                f"turn {turn}: the {what} cannot be parsed as {syntax} calls{where}: {exc.message}",
                turn=turn,
            )
        )
    except RecursionError:
        findings.append(
            Finding.of(
                "call.unparsable", f"turn {turn}: the {what} is nested too deeply", turn=turn
            )
        )
    return []


def decode_arguments(
    name: str, arguments: Any, turn: int, call: int, findings: list[Finding]
) -> dict[str, Any] | None:
    """OpenAI-style arguments (a JSON string, or already an object) → a dict, else a finding."""
    if isinstance(arguments, dict):
        return arguments
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, str):
        try:
            value = orjson.loads(arguments)
        except orjson.JSONDecodeError as exc:
            findings.append(
                Finding.of(
                    "call.unparsable",
                    f"turn {turn}: the arguments of call {call} ({name!r}) are not valid JSON "
                    f"at character {exc.pos}: {exc.msg}",
                    turn=turn,
                    call=call,
                )
            )
            return None
        if isinstance(value, dict):
            return value
        arguments = value
    findings.append(
        Finding.of(
            "call.unparsable",
            f"turn {turn}: the arguments of call {call} ({name!r}) are not a JSON object",
            turn=turn,
            call=call,
        )
    )
    return None
