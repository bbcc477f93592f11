"""Stream the records of a dataset file: JSON array, JSONL, or gzip of either.

A dataset may be far larger than memory, so nothing here reads a whole file: JSONL is read
line by line and decoded with ``orjson``; a JSON array (or a stream of pretty-printed JSON
values, as ``jq`` writes them) is decoded element by element with ``ijson``'s C backend.
A record that cannot be decoded is yielded as a :class:`RawRecord` carrying the reason, so
that it still becomes a sample (with a ``sample.unreadable`` finding) and the rest of the
file is still read. Only a file that cannot be opened, or is not JSON at all, raises
:class:`synth.errors.DatasetError`.

Limits: a JSONL line longer than :data:`MAX_LINE_BYTES` is skipped (without being held)
as unreadable. After a syntax error inside a JSON array the position of the next element
cannot be known, so the rest of the array becomes one unreadable record; JSONL has no
such problem (the next line is the next record).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any, Literal

import ijson  # type: ignore[import-untyped]
import orjson

from synth.errors import DatasetError

#: A JSONL line (one record) longer than this is not decoded: 256 MiB.
MAX_LINE_BYTES = 256 * 1024 * 1024
#: Deepest nesting of a record: orjson's limit for JSONL, applied to JSON arrays too, so that
#: no later layer has to walk a structure that would exhaust the Python stack.
MAX_DEPTH = 1024
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
#: Errors a damaged gzip stream raises part-way through (a truncated upload, bit rot).
_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError)

Layout = Literal["array", "jsonl", "values"]


@dataclass(slots=True, frozen=True)
class RawRecord:
    """One record of a file: its 0-based ``index`` and either ``value`` or ``error``.

    ``error`` is None when the record was decoded; else it says why not (and ``value`` is
    None), e.g. ``"line 7: invalid JSON: unexpected end of data at byte 12"``.
    """

    index: int
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def iter_records(path: str | Path) -> Generator[RawRecord, None, None]:
    """Yield every record of ``path`` in order; record-level problems never stop the stream.

    Raises ``DatasetError`` if the file cannot be opened, or if its first non-space byte
    shows it is neither a JSON array (``[``) nor JSON objects (``{``, JSONL or a stream of
    pretty-printed values).
    """
    path = Path(path)
    try:
        with path.open("rb") as probe:
            gzipped = probe.read(2) == _GZIP_MAGIC
    except OSError as exc:
        raise DatasetError(f"cannot open dataset {str(path)!r}: {exc.strerror or exc}") from exc
    try:
        stream: BufferedIOBase = gzip.GzipFile(path, "rb") if gzipped else path.open("rb")
    except OSError as exc:  # removed or locked between the probe and now
        raise DatasetError(f"cannot open dataset {str(path)!r}: {exc.strerror or exc}") from exc
    with stream:
        yield from _iter_stream(stream, str(path))


def _iter_stream(stream: BufferedIOBase, name: str) -> Iterator[RawRecord]:
    try:
        layout = _sniff(stream, name)
    except _STREAM_ERRORS as exc:
        raise DatasetError(f"cannot read dataset {name!r}: {exc}") from exc
    if layout is None:
        return
    if layout == "jsonl":
        yield from _iter_jsonl(stream)
    else:
        yield from _iter_json(stream, layout)


def _sniff(stream: BufferedIOBase, name: str) -> Layout | None:
    """Tell the layout from the first non-space byte (and, for ``{``, the first line).

    Leaves ``stream`` at the first byte after a UTF-8 byte-order mark, if any. None for a
    file with no content.
    """
    start = 3 if stream.read(3) == _BOM else 0
    stream.seek(start)
    first = b""
    while not first:
        chunk = stream.read(64 * 1024)
        if not chunk:
            return None
        first = chunk.lstrip(_WHITESPACE)[:1]
    stream.seek(start)
    layout = _layout_of(first, stream, name)
    stream.seek(start)
    return layout


def _layout_of(first: bytes, stream: BufferedIOBase, name: str) -> Layout:
    if first == b"[":
        return "array"
    if first != b"{":
        raise DatasetError(
            f"dataset {name!r} is neither a JSON array nor JSON Lines: it starts with "
            f"{first!r}, not '[' or '{{'"
        )
    first_line = _next_content_line(stream)
    try:
        orjson.loads(first_line)
    except orjson.JSONDecodeError as exc:
        # The first object does not end on its line and the next line does not start a
        # record: pretty-printed JSON values (a JSONL file cut mid-line stays JSONL).
        unfinished = exc.pos >= len(first_line.rstrip(_WHITESPACE))
        if unfinished and not _next_content_line(stream).lstrip(_WHITESPACE).startswith(b"{"):
            return "values"
    return "jsonl"


def _next_content_line(stream: BufferedIOBase) -> bytes:
    """The next line that is not blank (b"" at the end of the stream)."""
    while line := stream.readline(MAX_LINE_BYTES):
        if line.strip(_WHITESPACE):
            return line
    return b""


def _iter_jsonl(stream: BufferedIOBase) -> Iterator[RawRecord]:
    index = 0
    lineno = 0
    while True:
        try:
            line = stream.readline(MAX_LINE_BYTES)
        except _STREAM_ERRORS as exc:
            yield RawRecord(index, error=f"line {lineno + 1}: the file is damaged: {exc}")
            return
        if not line:
            return
        lineno += 1
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            skipped = _skip_rest_of_line(stream)
            yield RawRecord(
                index,
                error=f"line {lineno}: longer than {MAX_LINE_BYTES} bytes "
                f"({MAX_LINE_BYTES + skipped} bytes or more); not decoded",
            )
            index += 1
            continue
        if not line.strip(_WHITESPACE):
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield RawRecord(index, error=f"line {lineno}: invalid JSON: {_reason(exc)}")
        else:
            yield RawRecord(index, value)
        index += 1


def _skip_rest_of_line(stream: BufferedIOBase) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(1024 * 1024)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _reason(exc: orjson.JSONDecodeError) -> str:
    return f"{exc.msg} at byte {exc.pos}"


def _iter_json(stream: BufferedIOBase, layout: Layout) -> Iterator[RawRecord]:
    if layout == "array":
        items = ijson.items(stream, "item", use_float=True)
        what = "array element"
    else:
        items = ijson.items(stream, "", use_float=True, multiple_values=True)
        what = "JSON value"
    index = 0
    try:
        for value in items:
            depth = _too_deep(value)
            if depth is None:
                yield RawRecord(index, value)
            else:
                yield RawRecord(
                    index,
                    error=f"{what} {index} is nested more than {MAX_DEPTH} levels deep "
                    f"({depth} levels or more); not read",
                )
            index += 1
    except ijson.JSONError as exc:
        detail = exc.args[0] if exc.args else ""
        if isinstance(detail, bytes):  # yajl reports some errors as bytes
            detail = detail.decode("utf-8", "replace")
        # The first line only: yajl goes on to quote the input around the fault.
        detail = str(detail).strip().splitlines()[0] if str(detail).strip() else "invalid JSON"
        yield RawRecord(
            index,
            error=f"{what} {index} and everything after it cannot be read: {detail}",
        )
    except _STREAM_ERRORS as exc:
        yield RawRecord(index, error=f"{what} {index}: the file is damaged: {exc}")
    except UnicodeDecodeError as exc:  # ijson's pure-Python backend (no C extension)
        yield RawRecord(
            index,
            error=f"{what} {index} and everything after it cannot be read: invalid UTF-8 "
            f"({exc.reason})",
        )


def _too_deep(value: Any) -> int | None:
    """None when ``value`` nests at most :data:`MAX_DEPTH` levels, else a depth beyond it.

    ``orjson.dumps`` (a few microseconds a record) succeeds for anything up to 254 levels,
    which is every real record; only deeper ones are measured, without recursion.
    """
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        pass
    else:
        return None
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((child, depth + 1) for child in node)
    return None
