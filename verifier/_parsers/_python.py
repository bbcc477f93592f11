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

from synth.errors import ParseError
from verifier._model import ToolCall
from verifier._parsers._heads import Masked, mask_names
from verifier._parsers._text import LineIndex, check_size, fail
from verifier._parsers._values import ValueDecoder, dotted_name

_WHITESPACE = " \t\n\r\f\v"


def parse_python_calls(text: str, *, bfcl: bool = False) -> list[ToolCall]:
    """Calls in Python call syntax: a list of calls, a tuple of calls, or one bare call.

    Raises :class:`~synth.errors.ParseError` with ``position`` (0-based character offset
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
    try:
        return _calls(_syntax(body, lead), body, lead, bfcl, None)
    except ParseError:
        masked = None if bfcl else mask_names(body)
        if masked is None:
            raise
    # Odd names are masked now, so an error from this parse is the one that matters.
    return _calls(_syntax(masked.text, lead), masked.text, lead, bfcl, masked)


def _syntax(body: str, lead: int) -> ast.Expression:
    try:
        return ast.parse(body, mode="eval")
    except SyntaxError as exc:
        if exc.lineno is None and "\x00" in body:
            fail("call text contains a NUL character", lead + body.index("\x00"))
        where = lead + LineIndex(body).from_char_col(exc.lineno, exc.offset)
        fail(f"invalid call syntax: {exc.msg}", where)
    except UnicodeEncodeError as exc:
        fail(f"call text is not valid Unicode: {exc.reason}", lead + exc.start)
    except ValueError as exc:
        fail(f"invalid call syntax: {exc}", lead)


def _calls(
    tree: ast.Expression, body: str, lead: int, bfcl: bool, masked: Masked | None
) -> list[ToolCall]:
    index: list[LineIndex] = []

    def locate(node: ast.AST) -> int:
        if not index:
            index.append(LineIndex(body))
        return lead + index[0].from_byte_col(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    top = tree.body
    if isinstance(top, ast.Call):
        items: list[ast.expr] = [top]
    elif isinstance(top, ast.List | ast.Tuple):
        items = top.elts
    else:
        fail("expected a call or a list of calls", locate(top))
    decoder = ValueDecoder(locate, bfcl=bfcl)
    calls: list[ToolCall] = []
    for position, item in enumerate(items):
        if not isinstance(item, ast.Call):
            fail(f"item {position} of the list is not a call", locate(item))
        name = masked.call_names.get(position) if masked else None
        if name is None:
            name = dotted_name(item.func)
        if name is None:
            fail(f"call {position} has no name Python can read", locate(item))
        if item.args and not bfcl:
            fail(
                "positional arguments are not supported: write name=value",
                locate(item.args[0]),
            )
        arguments: dict[str, Any] = {}
        for number, kw in enumerate(item.keywords):
            if kw.arg is None:
                fail("'**' unpacking is not a literal value", locate(kw))
            key = masked.arg_names.get((position, number), kw.arg) if masked else kw.arg
            if key in arguments and not bfcl:
                fail(f"argument {key!r} is given twice", locate(kw))
            arguments[key] = decoder.decode(kw.value)
        calls.append(ToolCall(name=name, arguments=arguments))
    return calls
