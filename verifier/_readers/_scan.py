"""Split a JSON array (or a stream of JSON values) into records' bytes, within limits.

``ijson.items`` builds a record while it parses it, so a hostile record costs before any
check can run: its memory grows with the square of the nesting depth (depth 20,000 → 1 GB)
and its time with the square of a string's length (a 32 MiB string → 27 s). This scanner
looks only at the bytes that decide where a record ends (quotes, escapes and brackets),
so it keeps a counter for the depth and a length for the open string, and holds a
record's bytes only while they are within :class:`ReadLimits`. A complete record is
decoded by ``orjson`` (linear, C); a record past a limit is dropped as it streams, and the
scan goes on to the next one, so every other record of the file is still read. A syntax
error costs only its own record, too: the next ``,`` at the top level starts the next.

One ``re`` search per string and per bracket (the strings themselves are skipped inside
the regex engine, with possessive quantifiers, so no input makes it backtrack).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier._limits import ReadLimits, human

#: What a scan yields per record: the record's bytes, or why it was not kept.
Piece = tuple[bytes | None, str | None]

_STRING = rb'"(?:[^"\\]++|\\.)*+(?:(")|(\\?)\Z)'
# Inside a record: 1 closed string, 2 string cut by the chunk's end (2 holds a pending
# backslash), 3 opening bracket, 4 closing bracket.
_INNER = re.compile(_STRING + rb"|([\[{])|([\]}])", re.DOTALL)
# Between records: also 5 a comma and 6 a run of anything else (a scalar, or junk).
_OUTER = re.compile(_STRING + rb'|([\[{])|([\]}])|(,)|([^\s\[\]{},"]++)', re.DOTALL)
# The rest of a string cut by the previous chunk's end: 1 its closing quote, 2 as above.
_REST = re.compile(rb'(?:[^"\\]++|\\.)*+(?:(")|(\\?)\Z)', re.DOTALL)
_SPACE = re.compile(rb"\s*+")
#: The fast path handles records nested at most this deep (deeper ones take the slow one).
FAST_DEPTH = 16


def _record_pattern(depth: int) -> bytes:
    """A regex for one array or object nested at most ``depth`` levels (brackets are not
    paired by kind: ``orjson`` rejects ``[}`` when it decodes the record).

    Loops are unrolled (``N*(?:S N*)*``, no alternation per character) and possessive:
    ~90 MB/s on dataset records, about what ``ijson`` parses, and no input backtracks.
    """
    string = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
    other = rb'[^"\[\]{}]*+'
    body = other + rb"(?:" + string + other + rb")*+"
    for _ in range(depth - 1):
        body = other + rb"(?:(?:" + string + rb"|[\[{]" + body + rb"[\]}])" + other + rb")*+"
    return rb"[\[{]" + body + rb"[\]}]"


def _fast_patterns(depth: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    record = _record_pattern(depth)
    array = re.compile(rb"\s*+(" + record + rb")\s*+(?:(,)|(\]))", re.DOTALL)
    values = re.compile(rb"\s*+(" + record + rb")", re.DOTALL)
    return array, values


_FAST = {FAST_DEPTH: _fast_patterns(FAST_DEPTH)}


class Splitter:
    """Feed chunks in order; each call yields the records completed so far.

    ``array`` is True for a JSON array (records are its elements, separated by commas)
    and False for JSON values one after another (each top-level value is a record).
    """

    def __init__(self, limits: ReadLimits, *, array: bool) -> None:
        self.limits = limits
        self.array = array
        self.depth = 0
        self.opened = not array  # an array's own "[" has been read
        self.closed = False  # the array's "]" has been read
        self.record = False  # a record is open
        self.parts: list[bytes] = []
        self.size = 0
        self.cut: str | None = None  # why the open record is not kept
        self.string = -1  # length of a string cut by the chunk's end; -1 when none
        self.escape = False  # that string's last byte was a lone backslash
        self.comma = False  # the last thing between records was a comma
        self.trailing = False  # non-space bytes after the array's end
        self.first_cut: str | None = None  # the first limit any record went past
        fast = min(FAST_DEPTH, limits.max_depth)
        if fast not in _FAST:
            _FAST[fast] = _fast_patterns(fast)
        self.fast = _FAST[fast][0 if array else 1]
        #: Records up to this size may take the fast path: none of their strings can be
        #: longer than the string limit, and they are within the record limit.
        self.fast_bytes = min(limits.max_string_bytes, limits.max_record_bytes)

    def feed(self, chunk: bytes) -> Iterator[Piece]:
        n = len(chunk)
        pos = 0
        start = 0  # where the open record's bytes in this chunk begin
        if not self.opened:
            pos = _SPACE.match(chunk).end()  # type: ignore[union-attr]
            if pos == n:
                return
            self.opened = True  # the sniffer saw that this byte is "["
            pos += 1
        if self.closed:
            self._after_end(chunk, pos)
            return
        if self.string >= 0:
            pos = self._rest_of_string(chunk)
            if self.string < 0 and not self.depth and not self.array:
                yield self._end(chunk, pos)
        limits = self.limits
        while pos < n:
            if not (self.depth or self.record):
                # Fast path: one regex match takes a whole record (and the separator after
                # it); anything it does not match goes through the token loop below.
                for piece in self._fast(chunk, pos):
                    if isinstance(piece, int):
                        pos = piece
                    else:
                        yield piece
                if self.closed:
                    self._after_end(chunk, pos)
                    return
                if pos >= n:
                    break
            m = (_INNER if self.depth else _OUTER).search(chunk, pos)
            if m is None:
                break
            kind = m.lastindex
            s, pos = m.span()
            if kind == 1 or kind == 2:  # a string
                if not self.record:
                    self.record, start = True, s
                length = pos - s
                if kind == 2:
                    self.string = length
                    self.escape = m.end(2) > m.start(2)
                if length > limits.max_string_bytes and self.cut is None:
                    self._cut(_string_limit(limits))
                if kind == 1 and not self.depth and not self.array:
                    yield self._end(chunk, pos, start)
            elif kind == 3:
                if not self.record:
                    self.record, start = True, s
                self.depth += 1
                if self.depth > limits.max_depth and self.cut is None:
                    self._cut(_depth_limit(limits))
            elif kind == 4 and self.depth:
                self.depth -= 1
                if not self.depth and not self.array:
                    yield self._end(chunk, pos, start)
            elif kind == 4 and self.array and chunk[s] == 0x5D:  # the array's "]"
                if self.record or self.comma:
                    yield self._end(chunk, s, start)
                self.closed = True
                self._after_end(chunk, pos)
                return
            elif kind == 5 and self.array:
                yield self._end(chunk, s, start)
                self.comma = True
            else:  # a scalar between records (a record, or junk that will not decode)
                if not self.record:
                    self.record, start = True, s
                if not self.array:
                    yield self._end(chunk, pos, start)
        if self.record and self.cut is None:
            self.size += n - start
            if self.size > limits.max_record_bytes:
                self._cut(_record_limit(limits))
            else:
                self.parts.append(chunk[start:] if start else chunk)

    def _fast(self, chunk: bytes, pos: int) -> Iterator[Piece | int]:
        """Records matched whole from ``pos``; finally the position where matching stopped."""
        match, limit = self.fast.match, self.fast_bytes
        while (m := match(chunk, pos)) is not None:
            s, e = m.span(1)
            if e - s > limit:
                break
            yield chunk[s:e], None
            pos = m.end()
            self.comma = m.lastindex == 2
            if m.lastindex == 3:
                self.closed = True
                break
        yield pos

    def end(self) -> Iterator[Piece]:
        """The stream ended: a record still open is cut short (an unreadable record)."""
        if self.trailing:
            yield None, "is content after the array's end (not read)"
        elif self.record and (self.depth or self.string >= 0):
            self.cut = self.cut or "is cut short by the end of the file"
            yield self._end(b"", 0)
        elif self.record or self.comma:
            yield self._end(b"", 0)

    def _end(self, chunk: bytes, end: int, start: int = 0) -> Piece:
        """Close the open record at ``chunk[end]``; reset for the next one."""
        if self.cut is not None:
            piece: Piece = (None, self.cut)
        elif not self.record:
            piece = (None, "is empty (two commas, or a comma before the array's end)")
        else:
            tail = chunk[start:end]
            if self.size + len(tail) > self.limits.max_record_bytes:
                piece = (None, _record_limit(self.limits))
            else:
                piece = (b"".join((*self.parts, tail)) if self.parts else tail, None)
        self.record, self.comma, self.cut = False, False, None
        self.parts, self.size = [], 0
        return piece

    def _cut(self, reason: str) -> None:
        """The open record went past a limit: drop what is held, keep scanning for its end."""
        self.cut = reason
        self.first_cut = self.first_cut or reason
        self.parts = []

    def _rest_of_string(self, chunk: bytes) -> int:
        """Scan the string cut by the previous chunk; the position after it, or the end."""
        pos = 1 if self.escape and chunk else 0
        m = _REST.match(chunk, pos)
        assert m is not None  # the pattern matches at every position
        self.string += m.end()
        if self.string > self.limits.max_string_bytes and self.cut is None:
            self._cut(_string_limit(self.limits))
        if m.lastindex == 1:
            self.string, self.escape = -1, False
        else:
            self.escape = m.end(2) > m.start(2)
        return m.end()

    def _after_end(self, chunk: bytes, pos: int) -> None:
        if _SPACE.match(chunk, pos).end() < len(chunk):  # type: ignore[union-attr]
            self.trailing = True


def _depth_limit(limits: ReadLimits) -> str:
    return f"is nested more than {limits.max_depth} levels deep (the max_depth limit)"


def _string_limit(limits: ReadLimits) -> str:
    size = human(limits.max_string_bytes)
    return f"holds a string longer than {size} (the max_string_bytes limit)"


def _record_limit(limits: ReadLimits) -> str:
    return f"is larger than {human(limits.max_record_bytes)} (the max_record_bytes limit)"


def split(chunks: Iterator[bytes], limits: ReadLimits, *, array: bool) -> Iterator[Piece]:
    """Every record of the stream ``chunks`` (see :class:`Splitter`)."""
    splitter = Splitter(limits, array=array)
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.end()


def shape_problem(data: bytes, limits: ReadLimits) -> str | None:
    """The first limit the JSON text ``data`` goes past (depth, string length), or None."""
    splitter = Splitter(limits, array=False)
    for _ in splitter.feed(data):
        pass
    return splitter.first_cut
