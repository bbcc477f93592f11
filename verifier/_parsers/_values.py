"""Turn the AST of one argument value into a JSON-like Python value, without evaluating code.

Only literals are values: strings, numbers, True/False/None, and lists, tuples, sets and
dicts of them. Tuples and sets become lists (a call's arguments are JSON-like; a set keeps
its source order). Numeric arithmetic on literals (``-1e-3``, ``2**10``, ``1/3``) is folded
here, node by node, with bounds on the size of the result; nothing is ever handed to
``eval``. Anything else (a bare name, a nested call, an f-string, a comprehension) is a
ParseError by default.

``bfcl=True`` decodes as BFCL's own ``resolve_ast_by_type`` does, so the BFCL checker can
agree with BFCL: a bare name becomes its identifier as a string, a nested call with keyword
arguments becomes ``{name: {arg: value}}`` and one without becomes its source text, a
subscript becomes its source text, ``...`` becomes ``"..."``, dict keys may be any literal,
and sets are refused (BFCL raises on them).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

from verifier._parsers._text import MAX_VALUE_DEPTH, fail

MAX_INT_BITS = 4096
"""Largest integer (in bits) that folding may produce; ``9**9**9`` is refused, not computed."""

Locate = Callable[[ast.AST], int]

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


class ValueDecoder:
    """Decodes argument values of one call text; ``locate`` maps a node to its offset."""

    __slots__ = ("_bfcl", "_locate", "_names")

    def __init__(
        self, locate: Locate, *, bfcl: bool, names: Mapping[str, Any] | None = None
    ) -> None:
        self._locate = locate
        self._bfcl = bfcl
        self._names = names or {}

    def decode(self, node: ast.expr, depth: int = 0) -> Any:
        """The value ``node`` stands for, or a ParseError pointing at the offending node."""
        if depth > MAX_VALUE_DEPTH:
            fail(f"argument value nested deeper than {MAX_VALUE_DEPTH} levels", self._locate(node))
        kind = type(node)
        if kind is ast.Constant:
            return self._constant(node)  # type: ignore[arg-type]
        if kind is ast.List or kind is ast.Tuple:
            return [self.decode(e, depth + 1) for e in node.elts]  # type: ignore[attr-defined]
        if kind is ast.Dict:
            return self._dict(node, depth)  # type: ignore[arg-type]
        if kind is ast.UnaryOp:
            return self._unary(node, depth)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            return self._binary(node, depth)  # type: ignore[arg-type]
        if kind is ast.Set and not self._bfcl:
            return [self.decode(e, depth + 1) for e in node.elts]  # type: ignore[attr-defined]
        if kind is ast.Name and node.id in self._names:  # type: ignore[attr-defined]
            return self._names[node.id]  # type: ignore[attr-defined]
        if self._bfcl:
            return self._bfcl_extra(node, depth)
        return self._refuse(node)

    def _constant(self, node: ast.Constant) -> Any:
        value = node.value
        if value is None or isinstance(value, str | bool | int):
            return value
        if type(value) is float:
            if not math.isfinite(value):
                fail(f"number {ast.unparse(node)} is not finite", self._locate(node))
            return value
        if value is Ellipsis and self._bfcl:
            return "..."
        fail(
            f"{type(value).__name__} literal {ast.unparse(node)[:40]} is not a JSON value",
            self._locate(node),
        )

    def _dict(self, node: ast.Dict, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                fail("'**' unpacking is not a literal value", self._locate(value_node))
            key = self.decode(key_node, depth + 1)
            if not isinstance(key, str) and not (self._bfcl and _hashable(key)):
                fail("dict keys must be strings", self._locate(key_node))
            out[key] = self.decode(value_node, depth + 1)
        return out

    def _unary(self, node: ast.UnaryOp, depth: int) -> Any:
        operand = self.decode(node.operand, depth + 1)
        if not _is_number(operand) or not isinstance(node.op, ast.USub | ast.UAdd):
            fail("only '-' and '+' may prefix a number", self._locate(node))
        return -operand if isinstance(node.op, ast.USub) else operand

    def _binary(self, node: ast.BinOp, depth: int) -> Any:
        symbol = _BINOPS.get(type(node.op))
        left = self.decode(node.left, depth + 1)
        right = self.decode(node.right, depth + 1)
        if symbol is None or not (_is_number(left) and _is_number(right)):
            fail("only arithmetic (+ - * / // % **) on numbers is folded", self._locate(node))
        return self._fold(symbol, left, right, node)

    def _fold(self, symbol: str, left: int | float, right: int | float, node: ast.BinOp) -> Any:
        where = self._locate(node)
        if (
            symbol == "**"
            and type(left) is int
            and type(right) is int
            and max(left.bit_length(), 1) * right > MAX_INT_BITS
        ):
            fail(f"result of {symbol} is larger than {MAX_INT_BITS} bits", where)
        try:
            result: Any
            if symbol == "+":
                result = left + right
            elif symbol == "-":
                result = left - right
            elif symbol == "*":
                result = left * right
            elif symbol == "/":
                result = left / right
            elif symbol == "//":
                result = left // right
            elif symbol == "%":
                result = left % right
            else:
                result = left**right
        except (ArithmeticError, ValueError) as exc:
            fail(f"cannot fold {symbol}: {exc}", where)
        if type(result) is int and result.bit_length() > MAX_INT_BITS:
            fail(f"result of {symbol} is larger than {MAX_INT_BITS} bits", where)
        if type(result) is float and not math.isfinite(result):
            fail(f"result of {symbol} is not a finite number", where)
        if not _is_number(result):
            fail(f"result of {symbol} is not a real number", where)
        return result

    def _bfcl_extra(self, node: ast.expr, depth: int) -> Any:
        """BFCL's readings of names, nested calls and subscripts (see the module doc)."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript):
            return ast.unparse(node)
        if isinstance(node, ast.Call):
            if not node.keywords:
                return ast.unparse(node)
            name = dotted_name(node.func)
            if name is None:
                return self._refuse(node)
            args: dict[str, Any] = {}
            for kw in node.keywords:
                if kw.arg is None:
                    fail("'**' unpacking is not a literal value", self._locate(kw.value))
                args[kw.arg] = self.decode(kw.value, depth + 1)
            return {name: args}
        return self._refuse(node)

    def _refuse(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Name):
            hint = {"true": "True", "false": "False", "null": "None"}.get(node.id)
            extra = f" (Python call syntax writes {hint})" if hint else ""
            fail(f"bare name {node.id!r} is not a literal value{extra}", self._locate(node))
        if isinstance(node, ast.Call):
            fail("a nested call is not a literal value", self._locate(node))
        text = ast.unparse(node)
        shown = text if len(text) <= 40 else text[:37] + "..."
        fail(f"{shown!r} is not a literal value", self._locate(node))


def _hashable(value: object) -> bool:
    return value is None or isinstance(value, str | int | float)


def dotted_name(func: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None (``f()()``, ``x[0]()``)."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    parts.append(func.id)
    return ".".join(reversed(parts))
