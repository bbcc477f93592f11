"""Turn ``jsonschema`` validation errors into problems a person can act on.

Runs only for arguments the fast validator rejected. The JSON Schema keyword that failed
decides the finding code (DESIGN.md's ``call.*``); the instance path becomes a JSON
pointer; the message names the argument, what was expected and what was given. The rule
layer turns a :class:`Problem` into a ``Finding`` of a turn and call, the mock server into
a problem+json entry: both say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from jsonschema.exceptions import ValidationError, best_match

from toolspec._checks._formats import describe_format
from toolspec._checks._patterns import GAVE_UP, PatternUndecided, search

KEYWORD_CODES: dict[str, str] = {
    "required": "call.missing_required",
    "dependentRequired": "call.missing_required",
    "dependencies": "call.missing_required",
    "additionalProperties": "call.unknown_param",
    "unevaluatedProperties": "call.unknown_param",
    "propertyNames": "call.unknown_param",
    "None": "call.unknown_param",  # a `false` subschema: nothing is allowed there
    "type": "call.type_mismatch",
    "enum": "call.enum_violation",
    "const": "call.enum_violation",
    "pattern": "call.format_violation",
    "format": "call.format_violation",
    **dict.fromkeys(
        (
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
            "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
            "minProperties", "maxProperties", "contains", "minContains", "maxContains",
        ),
        "call.range_violation",
    ),
}  # fmt: skip
"""JSON Schema keyword → finding code; anything else is reported as a type mismatch."""

_JSON_TYPES = {
    str: "string", bool: "boolean", int: "integer", float: "number",
    list: "array", dict: "object", type(None): "null",
}  # fmt: skip
_RANGE_WORDS = {
    "minimum": "at least {v}", "maximum": "at most {v}",
    "exclusiveMinimum": "greater than {v}", "exclusiveMaximum": "less than {v}",
    "multipleOf": "a multiple of {v}", "minLength": "at least {v} characters long",
    "maxLength": "at most {v} characters long", "minItems": "a list of at least {v} items",
    "maxItems": "a list of at most {v} items", "uniqueItems": "a list without repeated items",
    "minProperties": "an object with at least {v} keys",
    "maxProperties": "an object with at most {v} keys",
}  # fmt: skip


def pointer(parts: Iterable[Any]) -> str:
    """A JSON pointer (RFC 6901) from path segments."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _typed(value: Any) -> str:
    return f"{_shown(value)} ({_JSON_TYPES.get(type(value), type(value).__name__)})"


def _label(ptr: str, tool: str) -> str:
    return f"`{ptr[1:]}`" if ptr else f"the arguments of `{tool}`"


def _article(t: str) -> str:
    return ("an " if t[:1] in "aeiou" else "a ") + t


def _expected_type(t: Any) -> str:
    if isinstance(t, list):
        return " or ".join(_article(str(x)) for x in t)
    return _article(str(t))


def _specific(error: ValidationError) -> ValidationError:
    """The sub-error that explains an ``anyOf``/``oneOf``/``allOf`` failure best."""
    while error.validator in ("anyOf", "oneOf", "allOf") and error.context:
        inner = best_match(error.context)
        if inner is None:
            break
        error = inner
    return error


def _findings(error: ValidationError, tool: str) -> Iterator[tuple[str, str, str]]:
    """(code, path, message) for one error; keywords naming several keys yield several."""
    error = _specific(error)
    kw = str(error.validator)
    base = list(error.absolute_path)
    value = error.instance
    expected: Any = error.validator_value
    if kw == "required" or kw == "dependentRequired":
        names = expected
        if kw == "dependentRequired":
            names = [n for deps in names.values() for n in deps]
        for name in names:
            if isinstance(value, dict) and name not in value:
                ptr = pointer([*base, name])
                where = f" in `{pointer(base)[1:]}`" if base else ""
                yield (
                    "call.missing_required",
                    ptr,
                    f"`{name}` is required by `{tool}`{where} but missing",
                )
        return
    if kw in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        for key in value:
            if key in known:
                continue
            found = [_search(p, key) for p in patterns]
            if any(found):
                continue
            ptr = pointer([*base, key])
            listed = ", ".join(f"`{k}`" for k in known) or "none"
            undecided = "" if None not in found else f" (a property-name pattern: {GAVE_UP})"
            yield (
                "call.unknown_param",
                ptr,
                f"`{ptr[1:]}` is not a parameter of `{tool}` (it defines: {listed}){undecided}",
            )
        return
    ptr = pointer(base)
    label = _label(ptr, tool)
    code = KEYWORD_CODES.get(kw, "call.type_mismatch")
    if kw == "type":
        msg = f"{label} must be {_expected_type(expected)}; got {_typed(value)}"
    elif kw in ("enum", "const"):
        allowed = expected if kw == "enum" else [expected]
        shown = ", ".join(_shown(a) for a in list(allowed)[:10])
        more = ", …" if len(allowed) > 10 else ""
        msg = f"{label} must be one of {shown}{more}; got {_shown(value)}"
    elif kw == "format":
        words, hinted = describe_format(str(expected))
        why = " (as its description says)" if hinted else ""
        msg = f"{label} must be {words}{why}; got {_shown(value)}"
    elif kw == "pattern" and isinstance(error, PatternUndecided):
        msg = f"{label} could not be checked against the pattern {expected!r}: {GAVE_UP}"
    elif kw == "pattern":
        msg = f"{label} must match the pattern {expected!r}; got {_shown(value)}"
    elif kw in _RANGE_WORDS:
        words = _RANGE_WORDS[kw].format(v=expected)
        msg = f"{label} must be {words}; got {_shown(value)}"
    else:
        msg = f"{label}: {error.message}"
    yield code, ptr, msg


def _search(pattern: str, key: str) -> bool | None:
    try:
        return search(pattern, key)
    except ValueError:  # not compilable: the compile step reported the schema
        return False


class Problem(NamedTuple):
    """One thing wrong with a call's arguments: a ``call.*`` code, where, and why."""

    code: str
    #: JSON pointer into the arguments; None for a problem of the schema, not of a value.
    path: str | None
    message: str


def classify(errors: Iterable[ValidationError], tool: str) -> list[Problem]:
    """Problems for the errors of one call, one per (code, path).

    A value of the wrong type also fails its ``enum``, ``pattern`` or bounds; only the
    type mismatch is reported for that path.
    """
    found: dict[tuple[str, str], str] = {}
    for error in errors:
        for code, ptr, msg in _findings(error, tool):
            found.setdefault((code, ptr), msg)
    mistyped = {ptr for code, ptr in found if code == "call.type_mismatch"}
    return [
        Problem(code, ptr, msg)
        for (code, ptr), msg in found.items()
        if code == "call.type_mismatch" or ptr not in mistyped
    ]
