"""JavaScript values: BFCL's reading of JavaScript source text (``10n``, ``[1, 2]``) as Python.

As for Java, text in a type's literal form converts and anything else stays a string.
Arrays and objects are read shallowly, by BFCL's patterns: ``[a, b]`` / ``new Array(a, b)``
split on commas, a 2-D array as rows, ``{k: v, ...}`` as key/value pairs whose values are
literals, arrays or objects. Elements of a typed array are converted as their type.
"""

from __future__ import annotations

import re
from typing import Any

_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+(\.\d+)?$")
_BIGINT = re.compile(r"^-?\d+n$")
_ARRAY_2D = re.compile(
    r"\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\)"
)
_ARRAY = re.compile(r"\[(.*?)\]|\bnew\s+Array\((.*?)\)")
_ROW = re.compile(r"\[(.*?)\]")
_OBJECT = re.compile(r"\{(.*?)\}")
_PAIR = re.compile(r"([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)")


class UnsupportedJsType(ValueError):
    """A JavaScript type name BFCL has no rule for."""


def convert_js(text: str, js_type: str, item_type: str | None = None) -> Any:
    """The Python value of JavaScript source ``text`` read as ``js_type``."""
    if js_type == "String":
        quoted = (text.startswith('"') and text.endswith('"')) or (
            text.startswith("'") and text.endswith("'")
        )
        return text[1:-1] if quoted else text
    if js_type == "integer":
        return int(text) if _INT.match(text) else text
    if js_type == "float":
        return float(text) if _FLOAT.match(text) else text
    if js_type == "Bigint":
        return int(text[:-1]) if _BIGINT.match(text) else text
    if js_type == "Boolean":
        return text == "true" if text in ("true", "false") else text
    if js_type == "dict":
        return _object(text.strip())
    if js_type == "array":
        return _array(text.strip(), item_type)
    if js_type == "any":
        return text
    raise UnsupportedJsType(f"JavaScript type {js_type!r} has no conversion")


def _array(code: str, item_type: str | None) -> Any:
    try:
        rows = _ARRAY_2D.match(code)
        if rows:
            out: list[Any] = []
            for number, row in enumerate(_ROW.findall(rows.group(0))):
                row = row.strip()
                if number == 0 and row.startswith("["):
                    row = row[1:]
                out.append([js_literal(e.strip()) for e in row.split(",")])
            return out
        found = _ARRAY.match(code)
        if not found:
            return code
        inner = found.group(1) if found.group(1) is not None else found.group(2)
        inner = (inner or "").strip()
        parts = inner.split(",") if inner else []
        if not item_type:
            return [js_literal(p.strip()) for p in parts]
        return [_typed_element(p.strip(), item_type) for p in parts]
    except (ValueError, IndexError):
        return code


def _typed_element(text: str, item_type: str) -> Any:
    if text.startswith(("'", '"')):
        return convert_js(text, item_type, "String")
    return convert_js(text, item_type)


def _object(code: str) -> Any:
    if code == "{}":
        return {}
    found = _OBJECT.match(code)
    if not found:
        return code
    out: dict[str, Any] = {}
    for key, value in _PAIR.findall(found.group(1)):
        key = key.strip().strip("'\"")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            out[key] = _array(value, None)
        elif value.startswith("{") and value.endswith("}"):
            out[key] = _object(value)
        else:
            out[key] = js_literal(value.strip("'\""))
    return out


def js_literal(text: str) -> Any:
    """A JavaScript literal read without a declared type: boolean, string, number, or text."""
    text = text.strip()
    if text == "true":
        return True
    if text == "false":
        return False
    if (text.startswith('"') and text.endswith('"')) or (
        text.startswith("'") and text.endswith("'")
    ):
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
