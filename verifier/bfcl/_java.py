"""Java values: BFCL's reading of Java source text (``5L``, ``new int[]{1, 2}``) as Python.

A Java answer arrives as the text of the expression. Each Java type has a literal form; text
in that form converts to the Python value, text in any other form stays a string (so a
variable name or a wrong literal is then judged by the type and value checks that follow).
``Set``, ``Hashtable``, ``Queue`` and ``Stack`` have no conversion in BFCL and cannot be
scored; :class:`UnsupportedJavaType` says so.
"""

from __future__ import annotations

import re
from typing import Any

_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$")
_DOUBLE = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_LONG = re.compile(r"^-?\d+[lL]$")
_F_SUFFIX = re.compile(r"[fF]$")
_L_SUFFIX = re.compile(r"[lL]$")
_AS_LIST = re.compile(r"new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)")
_ADDS = re.compile(r"new\s+ArrayList<\w*>\(\)\s*\{\{\s*(.+?)\s*\}\}", re.DOTALL)
_ADD = re.compile(r"add\((.+?)\)")
_EMPTY_LIST = re.compile(r"new\s+ArrayList<\w*>\(\)")
_ARRAY = re.compile(r"new\s+\w+\[\]\s*\{(.*?)\}")
_MAP = re.compile(r"new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*(.*?)\s*\}?\s*\}", re.DOTALL)
_PUT = re.compile(r"put\(\"(.*?)\",\s*(.*?)\)")
_EMPTY_MAP = re.compile(r"new\s+HashMap<.*?>\s*\(\)")


class UnsupportedJavaType(ValueError):
    """A Java type BFCL declares but cannot convert (its checker raises on it too)."""


def convert_java(text: str, java_type: str, item_type: str | None = None) -> Any:
    """The Python value of Java source ``text`` read as ``java_type``."""
    if java_type in ("byte", "short", "integer"):
        return int(text) if _INT.match(text) else text
    if java_type == "float":
        return float(_F_SUFFIX.sub("", text)) if _FLOAT.match(text) else text
    if java_type == "double":
        return float(text) if _DOUBLE.match(text) else text
    if java_type == "long":
        return int(_L_SUFFIX.sub("", text)) if _LONG.match(text) else text
    if java_type == "boolean":
        return text == "true" if text in ("true", "false") else text
    if java_type in ("char", "String", "any"):
        return text
    if java_type == "ArrayList":
        return _array_list(text, item_type)
    if java_type == "Array":
        return _array(text, item_type)
    if java_type == "HashMap":
        return _hash_map(text)
    raise UnsupportedJavaType(f"Java type {java_type!r} cannot be converted")


def _element(text: str, item_type: str | None) -> Any:
    if item_type in ("char", "String"):
        return text[1:-1]
    return convert_java(text, item_type) if item_type else java_literal(text)


def _array_list(text: str, item_type: str | None) -> Any:
    found = _AS_LIST.search(text)
    if found:
        return [_element(part.strip(), item_type) for part in found.group(1).split(",")]
    found = _ADDS.search(text)
    if found:
        return [_element(m.strip(), item_type) for m in _ADD.findall(found.group(1))]
    if _EMPTY_LIST.search(text):
        return []
    return text


def _array(text: str, item_type: str | None) -> Any:
    found = _ARRAY.search(text)
    if not found:
        return text
    parts = [p.strip() for p in found.group(1).split(",") if p.strip()]
    if item_type:
        return [convert_java(p, item_type) for p in parts]
    return [java_literal(p) for p in parts]


def _hash_map(text: str) -> Any:
    found = _MAP.search(text)
    if found:
        return {key: java_literal(value.strip()) for key, value in _PUT.findall(found.group(1))}
    if _EMPTY_MAP.search(text):
        return {}
    return text


def java_literal(text: str) -> Any:
    """A Java literal read without a declared type: boolean, string, long, float, number."""
    if text == "true":
        return True
    if text == "false":
        return False
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if _LONG.match(text):
        return int(text[:-1])
    if _FLOAT.match(text):
        return float(_F_SUFFIX.sub("", text))
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
