"""Type rules per language: which Python type a BFCL type string stands for.

BFCL's function docs use their own type names: ``dict``, ``float``, ``tuple``, ``any`` for
Python, Java's ``HashMap``/``long``/``ArrayList`` and JavaScript's ``Bigint``/``Boolean``.
A Python value is checked against the mapped type directly; Java and JavaScript values
arrive as source text in a string and are first converted (:mod:`._java`, :mod:`._js`).
"""

from __future__ import annotations

PYTHON_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "float": float,
    "boolean": bool,
    "array": list,
    "tuple": list,
    "dict": dict,
    "any": str,
}
PYTHON_NESTED = frozenset({"array", "tuple"})
"""Python types whose items (one level deep) are type-checked too."""

JAVA_TYPES: dict[str, type] = {
    "byte": int,
    "short": int,
    "integer": int,
    "float": float,
    "double": float,
    "long": int,
    "boolean": bool,
    "char": str,
    "Array": list,
    "ArrayList": list,
    "Set": set,
    "HashMap": dict,
    "Hashtable": dict,
    "Queue": list,
    "Stack": list,
    "String": str,
    "any": str,
}

JS_TYPES: dict[str, type] = {
    "String": str,
    "integer": int,
    "float": float,
    "Bigint": int,
    "Boolean": bool,
    "dict": dict,
    "array": list,
    "any": str,
}

CONVERTED_NESTED = frozenset({"Array", "ArrayList", "array"})
"""Java/JavaScript collection types whose element type comes from ``items.type``."""

TYPE_TABLES: dict[str, dict[str, type]] = {
    "python": PYTHON_TYPES,
    "java": JAVA_TYPES,
    "javascript": JS_TYPES,
}
