"""Model output → BFCL's decoded form ``[{name: {param: value}}]``, as BFCL's handlers do.

A result is a string when the model was prompted (its text holds calls in Python syntax,
or Java/JavaScript syntax in those categories) and a list when it used function calling
(``[{name: "<JSON arguments>"}]``, as BFCL's OpenAI-style handlers store it; an arguments
object instead of its JSON text is accepted too). Decoding never evaluates the output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from toolspec.errors import ParseError
from verifier._parsers._text import fail
from verifier.bfcl._categories import Language
from verifier.bfcl._decode_python import decode_python
from verifier.bfcl._decode_source import decode_java, decode_javascript

PROMPT_DECODERS: dict[Language, Callable[[str], Any]] = {
    "python": decode_python,
    "java": decode_java,
    "javascript": decode_javascript,
}
"""How a prompting model's text is read, per language of the category."""


def decode_output(result: str | list[Any], language: Language) -> Any:
    """BFCL's decoded form of one result; a ParseError when BFCL's decoder would fail."""
    if isinstance(result, str):
        return PROMPT_DECODERS[language](result)
    return _decode_function_calls(result)


def _decode_function_calls(result: list[Any]) -> list[dict[str, Any]]:
    decoded: list[dict[str, Any]] = []
    for number, item in enumerate(result):
        if not isinstance(item, dict) or not item:
            fail(f"call {number} is not an object {{name: arguments}}", None)
        name = next(iter(item))
        arguments = item[name]
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except ValueError as exc:
                fail(f"arguments of call {number} ({name}) are not JSON: {exc}", None)
            except RecursionError:
                fail(f"arguments of call {number} ({name}) are nested too deeply", None)
        decoded.append({name: arguments})
    return decoded


def is_call_list(decoded: Any) -> bool:
    """BFCL's format check: a list of ``{name: {params}}`` objects, one key each."""
    if type(decoded) is not list:
        return False
    for item in decoded:
        if type(item) is not dict or len(item) != 1:
            return False
        if type(next(iter(item.values()))) is not dict:
            return False
    return True


def has_call(result: str | list[Any]) -> tuple[bool, str | None]:
    """Whether the output holds a call (relevance categories): decoded, non-empty calls.

    Returns the decoding error's message when it did not decode. Relevance is always read
    in Python syntax, as BFCL reads it.
    """
    try:
        decoded = decode_output(result, "python")
    except ParseError as exc:
        return False, exc.message
    empty = not is_call_list(decoded) or not decoded or (len(decoded) == 1 and not decoded[0])
    return not empty, None
