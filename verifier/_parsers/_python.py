"""Parse calls written in Python call syntax: ``[f(a=1, b="x"), g(c=[1, 2])]``.

The text is parsed with :mod:`ast` (never evaluated) and each argument value is decoded by
:class:`~verifier._parsers._values.ValueDecoder`. Names Python cannot parse (ToolACE's
``Market Trends API(...)``, ``get-weather(...)``, ``from=``) are handled by masking them
and parsing again (:mod:`verifier._parsers._heads`); that scan only runs when the direct
parse fails, so the common short call costs one ``ast.parse``.

Positional arguments are a ParseError ("positional arguments are not supported"): a tool
call binds parameters by name, and guessing the parameter a positional value means would
hide exactly the defect a verifier exists to report. ``bfcl=True`` drops them silently,
as BFCL's decoder does.
"""

from __future__ import annotations

import ast
from typing import Any

from toolspec.errors import ParseError
from verifier._model import ToolCall
from verifier._parsers._heads import Masked, first_name_is_odd, mask_names
from verifier._parsers._text import LineIndex, check_size, fail
from verifier._parsers._values import ValueDecoder, dotted_name

_WHITESPACE = " \t\n\r\f\v"


def parse_python_calls(text: str, *, bfcl: bool = False) -> list[ToolCall]:
    """Calls in Python call syntax: a list of calls, a tuple of calls, or one bare call.

    Raises :class:`~toolspec.errors.ParseError` with ``position`` (0-based character offset
    into ``text``) for anything else. ``bfcl=True`` decodes values the way BFCL's
    ``ast_parse`` does (see :mod:`verifier._parsers._values`), drops positional arguments,
    lets a repeated argument keep its last value, and does not accept names Python
    cannot parse (BFCL cannot either).
    """
    if not isinstance(text, str):
        fail(f"call text must be a string, not {type(text).__name__}", None)
    check_size(text)
    lead = len(text) - len(text.lstrip(_WHITESPACE))
    body = text[lead:]
    if not body:
        fail("no call found: the text is empty", len(text))
    try:
        return _parse(body, lead, bfcl)
    except (RecursionError, MemoryError):
        fail("call text is nested too deeply to parse", lead)


def _parse(body: str, lead: int, bfcl: bool) -> list[ToolCall]:
    if not bfcl and first_name_is_odd(body):
        masked = mask_names(body)
        if masked is not None:
            return _calls(_syntax(masked.text, lead), masked.text, lead, bfcl, masked)
    try:
        return _calls(_syntax(body, lead), body, lead, bfcl, None)
    except ParseError:
        masked = None if bfcl else mask_names(body)
        if masked is None:
            raise
    # Odd names are masked now, so an error from this parse is the one that matters.
    return _calls(_syntax(masked.text, lead), masked.text, lead, bfcl, masked)


def _syntax(body: str, lead: int) -> ast.Expression:
    if "\x00" in body:  # ast.parse: ValueError on 3.11.2 (Debian), SyntaxError on 3.11.7
        fail("call text contains a NUL character", lead + body.index("\x00"))
    try:
        return ast.parse(body, mode="eval")
    except SyntaxError as exc:
        where = lead + LineIndex(body).from_char_col(exc.lineno, exc.offset)
        fail(f"invalid call syntax: {exc.msg}", where)
    except UnicodeEncodeError as exc:
        fail(f"call text is not valid Unicode: {exc.reason}", lead + exc.start)
    except ValueError as exc:
        fail(f"invalid call syntax: {exc}", lead)


def _calls(
    tree: ast.Expression, body: str, lead: int, bfcl: bool, masked: Masked | None
) -> list[ToolCall]:
    reader = _Reader(body, lead, bfcl, masked)
    top = tree.body
    if isinstance(top, ast.Call):
        items: list[ast.expr] = [top]
    elif isinstance(top, ast.List | ast.Tuple):
        items = top.elts
    else:
        fail("expected a call or a list of calls", reader.locate(top))
    return [reader.call(item, number) for number, item in enumerate(items)]


class _Reader:
    """Reads the calls of one parsed text; knows how to point back into it."""

    __slots__ = ("_ascii", "_bfcl", "_body", "_decoder", "_index", "_lead", "_masked")

    def __init__(self, body: str, lead: int, bfcl: bool, masked: Masked | None) -> None:
        self._body = body
        self._ascii = body.isascii()
        self._lead = lead
        self._bfcl = bfcl
        self._masked = masked
        self._index: LineIndex | None = None
        self._decoder = ValueDecoder(self.locate, bfcl=bfcl)

    def locate(self, node: ast.AST) -> int:
        if self._index is None:
            self._index = LineIndex(self._body)
        return self._lead + self._index.from_byte_col(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def call(self, item: ast.expr, number: int) -> ToolCall:
        if not isinstance(item, ast.Call):
            fail(f"item {number} of the list is not a call", self.locate(item))
        name = self._masked.call_names.get(number) if self._masked else None
        if name is None:
            name = self._plain_name(item.func)
        if name is None:
            fail(f"call {number} has no name Python can read", self.locate(item))
        if item.args and not self._bfcl:
            fail(
                "positional arguments are not supported: write name=value",
                self.locate(item.args[0]),
            )
        arguments: dict[str, Any] = {}
        for position, kw in enumerate(item.keywords):
            key = self._masked.arg_names.get((number, position)) if self._masked else None
            if key is None:
                key = self._keyword(kw)
            if key in arguments and not self._bfcl:
                fail(f"argument {key!r} is given twice", self.locate(kw))
            arguments[key] = self._decoder.decode(kw.value)
        return ToolCall(name=name, arguments=arguments)

    def _plain_name(self, func: ast.expr) -> str | None:
        """The dotted name as written: Python NFKC-normalises identifiers (``ﬁ`` → ``fi``)."""
        name = dotted_name(func)
        if name is None or self._ascii:
            return name
        written = ast.get_source_segment(self._body, func) or name
        return ".".join(part.strip() for part in written.split("."))

    def _keyword(self, kw: ast.keyword) -> str:
        if kw.arg is None:
            fail("'**' unpacking is not a literal value", self.locate(kw))
        if self._ascii:
            return kw.arg
        written = ast.get_source_segment(self._body, kw) or kw.arg
        return written.split("=", 1)[0].strip()
