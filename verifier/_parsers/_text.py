"""Positions and limits shared by the call parsers.

Every parser reports a fault as a 0-based *character* offset into the text it was given, so
that a report can point at it. Python's ``ast`` speaks in (line, UTF-8 byte column) pairs
and ``SyntaxError`` in (line, 1-based character column); this module turns both into
offsets. It also holds the input-size cap: call texts are short, and a 10 MB "call" is
hostile input that would only cost the parser time and memory.
"""

from __future__ import annotations

from typing import NoReturn

from toolspec.errors import ParseError

MAX_CALL_TEXT_CHARS = 1_000_000
"""Longest call text a parser accepts (1 M characters); longer input is a ParseError."""

MAX_VALUE_DEPTH = 100
"""Deepest nesting of argument values (lists, dicts, operators) a parser accepts."""


def check_size(text: str) -> None:
    """Refuse input over :data:`MAX_CALL_TEXT_CHARS` before any parser sees it."""
    if len(text) > MAX_CALL_TEXT_CHARS:
        fail(
            f"call text is {len(text):,} characters long, over the limit of "
            f"{MAX_CALL_TEXT_CHARS:,}",
            MAX_CALL_TEXT_CHARS,
        )


def fail(message: str, position: int | None) -> NoReturn:
    """Raise the one error type the parsers let escape."""
    raise ParseError(message, position=position)


class LineIndex:
    """Maps Python's line/column coordinates of one text back to character offsets.

    Lines are split the way Python's tokenizer splits them (``\\n``, ``\\r\\n``, ``\\r``),
    not the way ``str.splitlines`` does (which also breaks on form feeds and U+2028).
    Built lazily: only error paths need it.
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [0]
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c == "\n":
                starts.append(i + 1)
            elif c == "\r":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 1
                starts.append(i + 1)
            i += 1
        self._starts = starts

    def _line_start(self, lineno: int) -> int:
        index = min(max(lineno, 1), len(self._starts)) - 1
        return self._starts[index]

    def from_char_col(self, lineno: int | None, offset: int | None) -> int:
        """Offset of a ``SyntaxError`` location (1-based line, 1-based character column)."""
        if lineno is None:
            return 0
        pos = self._line_start(lineno) + max((offset or 1) - 1, 0)
        return min(pos, len(self._text))

    def from_byte_col(self, lineno: int, col_offset: int) -> int:
        """Offset of an AST node location (1-based line, 0-based UTF-8 byte column)."""
        start = self._line_start(lineno)
        line = self._text[start : start + col_offset + 1]
        prefix = line.encode("utf-8", "surrogatepass")[:col_offset]
        return min(start + len(prefix.decode("utf-8", "ignore")), len(self._text))
