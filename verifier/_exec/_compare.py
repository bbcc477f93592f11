"""The dataset's tool response against what executing the call shows.

What can be compared depends on what the mock knows (the bundle's manifest says):

- A declared output schema: the response must conform (error on violation).
- A supplied implementation that is deterministic: its answer is the truth for that
  call, so a response with other values contradicts it (error).
- A generated mock: its values are synthetic, so values are never compared; only the
  inferred shape's top-level kind (object, list, scalar) is, as a warning, since the
  shape is a guess from the tool's name.
- Whatever the source, a call that fails when executed (an id the dialog deleted, a
  mock error) while the dataset shows a normal answer is a contradiction (error).
"""

from __future__ import annotations

from typing import Any

import orjson
from jsonschema.protocols import Validator

from mock_apis import ToolEntry
from toolspec import BoundedValidator
from verifier._model import Finding

_ERROR_KEYS = frozenset({"error", "errors", "err", "exception", "fault"})
_ERROR_WORDS = ("not found", "error", "invalid", "failed", "does not exist", "unknown")
_KIND = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def decode_response(text: str | None, tool: str) -> tuple[bool, Any]:
    """(is JSON, value). ToolACE wraps answers as ``[{"name": tool, "results": ...}]``."""
    if text is None:
        return False, None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return False, text
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for item in value:
            if item.get("name") == tool and "results" in item:
                return True, item["results"]
    return True, value


def looks_like_error(value: Any) -> bool:
    """Whether a dataset response reports a failure rather than a normal answer."""
    if isinstance(value, dict):
        if _ERROR_KEYS & {k.lower() for k in value if isinstance(k, str)}:
            return True
        status = value.get("status")
        if isinstance(status, str) and status.lower() in {"error", "failed", "failure"}:
            return True
        message = value.get("message")
        return isinstance(message, str) and any(w in message.lower() for w in _ERROR_WORDS)
    if isinstance(value, str):
        return any(w in value.lower() for w in _ERROR_WORDS)
    return False


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return _KIND.get(type(value), "other")


_VALIDATORS: dict[str, Validator] = {}


def _schema_errors(entry: ToolEntry, value: Any) -> list[str]:
    """The first problems of ``value`` against the tool's declared output schema; the
    validator is built once per tool (its spec hash names the schema)."""
    validator = _VALIDATORS.get(entry.spec_hash)
    if validator is None:
        if len(_VALIDATORS) >= 4096:
            _VALIDATORS.clear()
        # Patterns of the schema run on the rule layer's bounded engine, not Python's re.
        validator = _VALIDATORS[entry.spec_hash] = BoundedValidator(entry.response_schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    return [
        f"{'/' + '/'.join(map(str, e.path)) if e.path else 'the response'}: {e.message}"
        for e in errors[:3]
    ]


def _mismatch(msg: str, turn: int, call: int, *, warning: bool = False) -> Finding:
    return Finding.of(
        "exec.response_mismatch",
        msg,
        turn=turn,
        call=call,
        severity="warning" if warning else None,
    )


def compare_success(
    entry: ToolEntry, result: Any, response: str | None, turn: int, call: int
) -> Finding | None:
    """The executed call succeeded: does the dataset's response fit?"""
    is_json, value = decode_response(response, entry.name)
    if response is None:
        return None
    if entry.declared_output:
        if not is_json:
            return _mismatch(
                f"`{entry.name}` declares a JSON output schema, but the dataset's response "
                f"is not JSON: {response[:80]!r}",
                turn,
                call,
            )
        problems = _schema_errors(entry, value)
        if problems:
            return _mismatch(
                f"the response of `{entry.name}` breaks its declared output schema: "
                + "; ".join(problems),
                turn,
                call,
            )
        return None
    if entry.source != "generated" and entry.deterministic:
        if value != result:
            shown = orjson.dumps(result).decode()[:120]
            return _mismatch(
                f"executing `{entry.name}` answers {shown}, but the dataset's response differs",
                turn,
                call,
            )
        return None
    if is_json and not looks_like_error(value):
        want, got = _kind(result), _kind(value)
        if want != got and {want, got} <= {"object", "array", "string", "number", "boolean"}:
            return _mismatch(
                f"`{entry.name}` answers with a JSON {want} when executed, "
                f"but the dataset's response is a JSON {got}",
                turn,
                call,
                warning=True,
            )
    return None


def compare_failure(
    tool: str, message: str, response: str | None, turn: int, call: int
) -> Finding | None:
    """The executed call failed: a dataset response that reports success contradicts it."""
    if response is None:
        return None
    _, value = decode_response(response, tool)
    if looks_like_error(value):
        return None
    return _mismatch(
        f"executing `{tool}` fails ({message}), but the dataset's response reports a normal answer",
        turn,
        call,
    )
