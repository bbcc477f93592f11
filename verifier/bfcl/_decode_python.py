"""Decode a prompting model's Python-syntax answer the way BFCL's decoder reads it.

BFCL strips backticks, newlines and spaces from both ends, wraps the text in ``[...]`` if
it is not already, strips stray single quotes, parses it with :mod:`ast` and reads each
call into ``{name: {param: value}}``. Values are read by toolproof's own value decoder
(:class:`verifier._parsers._values.ValueDecoder` in its ``bfcl`` mode: bare names become
strings, nested calls become ``{name: args}`` or their source text); this module adds the
few places where BFCL reads differently still:

- a tuple stays a tuple (BFCL's checker treats a tuple given for an ``array`` parameter as
  a type error, and converts it only for ``tuple`` parameters);
- a unary operator applied to a literal negates it (BFCL reads ``-x`` as ``-(x)`` for
  every unary operator) and to anything else is a decoding error;
- arithmetic on number literals is folded (BFCL hands it to ``eval``; toolproof never
  evaluates model output, and refuses anything that is not arithmetic on literals);
- literals Python has but JSON lacks (``1e999``, ``1j``, ``b""``) pass through as BFCL's do;
- positional arguments are dropped and a call's name is its attribute chain, so
  ``x[0].f(a=1)`` is named ``f``.
"""

from __future__ import annotations

import ast
from typing import Any

from verifier._parsers._text import LineIndex, check_size, fail
from verifier._parsers._values import ValueDecoder

Call = dict[str, dict[Any, Any]]


def decode_python(text: str) -> list[Call]:
    """The calls in ``text`` as BFCL's prompting decoder reads them, or a ParseError."""
    check_size(text)
    body = text.strip("`\n ")
    if not body.startswith("["):
        body = "[" + body
    if not body.endswith("]"):
        body = body + "]"
    body = body.strip().strip("'")
    try:
        tree = ast.parse(body, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        fail(str(exc), None)  # Python's own words, as BFCL reports them
    index: list[LineIndex] = []

    def locate(node: ast.AST) -> int:
        # Only error messages need a position, so the line index is built on first use.
        if not index:
            index.append(LineIndex(body))
        return index[0].from_byte_col(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    decoder = _BfclValues(locate)
    top = tree.body
    items: list[ast.expr]
    if isinstance(top, ast.Call):
        items = [top]
    elif isinstance(top, ast.List | ast.Tuple | ast.Set):
        items = top.elts
    else:
        fail("expected a list of calls", locate(top))
    calls: list[Call] = []
    try:
        for position, item in enumerate(items):
            if not isinstance(item, ast.Call):
                fail(f"item {position} of the list is not a call", locate(item))
            calls.append(decoder.call(item))
    except RecursionError:
        fail("call text is nested too deeply to decode", None)
    return calls


def call_name(func: ast.expr) -> str:
    """BFCL's name of a call: its attribute chain, down to a plain name if there is one."""
    if type(func) is ast.Name:
        return func.id
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


class _BfclValues(ValueDecoder):
    """toolproof's value decoder with BFCL's readings of tuples, unary operators, literals."""

    __slots__ = ()

    def __init__(self, locate: Any) -> None:
        super().__init__(locate, bfcl=True)

    def call(self, node: ast.Call, depth: int = 0) -> Call:
        args: dict[Any, Any] = {}
        for kw in node.keywords:
            args[kw.arg] = self.decode(kw.value, depth + 1)
        return {call_name(node.func): args}

    def decode(self, node: ast.expr, depth: int = 0) -> Any:
        kind = type(node)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            return "..." if value is Ellipsis else value
        if kind is ast.List:
            return [self.decode(e, depth + 1) for e in node.elts]  # type: ignore[attr-defined]
        if kind is ast.Tuple:
            return tuple(self.decode(e, depth + 1) for e in node.elts)  # type: ignore[attr-defined]
        if kind is ast.UnaryOp:
            return self._negate(node)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            # arithmetic means what Python says: fold with the plain decoder
            return ValueDecoder(self._locate, bfcl=True).decode(node, depth)
        if kind is ast.Subscript:
            return f"{ast.unparse(node.value)}[{ast.unparse(node.slice)}]"  # type: ignore[attr-defined]
        if kind is ast.Call and node.keywords:  # type: ignore[attr-defined]
            return self.call(node, depth)  # type: ignore[arg-type]
        return super().decode(node, depth)

    def _negate(self, node: ast.UnaryOp) -> Any:
        operand = node.operand
        if not isinstance(operand, ast.Constant):
            fail("a unary operator may only prefix a literal", self._locate(node))
        value: Any = operand.value
        try:
            return -value
        except TypeError:
            fail(f"cannot negate {ast.unparse(operand)[:40]}", self._locate(node))
