"""Multi-turn model results → BFCL's executable call strings, as BFCL's handlers decode them.

A multi-turn result is a list of turns, each a list of steps (one model response each).
BFCL decodes every step with the handler's ``decode_execute`` and drops a step that
fails to decode or decodes to nothing (a model that chats instead of calling). The two
handler families toolproof reads:

- function calling (a step is a list of ``{name: "<JSON arguments>"}``, or one such
  object): ``name(k=repr(v),...)`` per call, BFCL's ``convert_to_function_call``;
- prompting (a step is text in Python call syntax): decoded as BFCL's AST decoder does
  (:func:`verifier.bfcl._decode_python.decode_python`, never evaluated), then written back
  as ``name(k=value, ...)`` by BFCL's ``parse_nested_value`` rules.

An entry is read as function calling when any of its steps is a list or an object
(prompting results hold text only), else as prompting; in function-calling results a
text step is the model's chat reply, which BFCL's FC decoder drops.
"""

from __future__ import annotations

import json
from typing import Any

from toolspec.errors import ParseError
from verifier.bfcl._decode_python import decode_python


def is_function_calling(turns: list[Any]) -> bool:
    """Whether an entry's result came from function calling (any step not text)."""
    return any(
        isinstance(step, list | dict) for turn in turns if isinstance(turn, list) for step in turn
    )


def decode_turns(turns: list[Any], function_calling: bool) -> list[list[list[str]]]:
    """Per turn, the steps that decode to calls, each a list of call strings."""
    decoded: list[list[list[str]]] = []
    for turn in turns:
        steps: list[list[str]] = []
        for step in turn if isinstance(turn, list | str | dict) else ():
            calls = decode_fc(step) if function_calling else decode_prompt(step)
            if calls:  # BFCL's is_empty_execute_response: an empty step is dropped
                steps.append(calls)
        decoded.append(steps)
    return decoded


def decode_fc(step: Any) -> list[str] | None:
    """BFCL's ``convert_to_function_call``; None where it raises (the step is dropped)."""
    if isinstance(step, dict):
        step = [step]
    if not isinstance(step, list):
        return None
    calls: list[str] = []
    for call in step:
        if not isinstance(call, dict):
            return None
        for name, arguments in call.items():
            if isinstance(arguments, str):
                try:
                    arguments = json.loads(arguments)
                except (ValueError, RecursionError):
                    return None
            if not isinstance(arguments, dict):
                return None
            calls.append(f"{name}({','.join(f'{k}={v!r}' for k, v in arguments.items())})")
    return calls


def decode_prompt(step: Any) -> list[str] | None:
    """BFCL's ``default_decode_execute_prompting``; None where it raises."""
    if not isinstance(step, str):
        return None
    try:
        return [
            f"{name}({', '.join(f'{k}={nested_value(v)}' for k, v in args.items())})"
            for call in decode_python(step)
            for name, args in call.items()
        ]
    except (ParseError, IndexError, RecursionError):
        return None


def nested_value(value: Any) -> str:
    """BFCL's ``parse_nested_value``: a decoded nested call back to call text, else repr."""
    if isinstance(value, dict):
        if all(isinstance(v, dict) for v in value.values()):
            if not value:
                raise IndexError("an empty nested call")  # as in BFCL: the step is dropped
            name = next(iter(value))
            args = ", ".join(f"{k}={nested_value(v)}" for k, v in value[name].items())
            return f"{name}({args})"
        return "{" + ", ".join(f"'{k}': {nested_value(v)}" for k, v in value.items()) + "}"
    return repr(value)
