"""Stream the records of a dataset file: JSON array, JSONL, or gzip of either.

A dataset may be far larger than memory, and nobody vouches for it, so nothing here reads
a whole file or a whole record before checking it against :class:`ReadLimits`: JSONL is
read line by line (a line is read at most to the record-size limit) and decoded with
``orjson``; a JSON array (or a stream of pretty-printed JSON values, as ``jq`` writes
them) is split into records by ``_scan.Splitter``, which tracks nesting depth and string
length on the bytes, then each record is decoded with ``orjson``. A gzip stream is
inflated through :class:`_Inflated`, which stops at the decompressed-size and ratio
limits. A record that cannot be decoded, or goes past a limit, is yielded as a
:class:`RawRecord` carrying the reason (the limit named), so that it still becomes a
sample (with a ``sample.unreadable`` finding) and the rest of the file is still read.
Only a file that cannot be opened, or is not JSON at all, raises
:class:`toolspec.errors.DatasetError`; a gzip limit or a damaged gzip stream ends the file
with one unreadable record, since nothing after that point can be read.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any, BinaryIO, Literal

import orjson

from toolspec.errors import DatasetError
from verifier._limits import (
    DEFAULT_LIMITS,
    ORJSON_DEPTH,
    RATIO_FLOOR,
    LimitExceeded,
    ReadLimits,
    human,
)
from verifier._pickling import picklable
from verifier._readers._scan import shape_problem, split

#: Bytes read from the file per step of the array scanner (and gzip's read buffer).
CHUNK = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
#: Errors a damaged gzip stream raises part-way through (a truncated upload, bit rot).
_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError)
#: Longest first line the sniffer reads to tell JSONL from pretty-printed values.
_SNIFF_LINE = 1024 * 1024

Layout = Literal["array", "jsonl", "values"]


@picklable
@dataclass(slots=True, frozen=True)
class RawRecord:
    """One record of a file: its 0-based ``index`` and either ``value`` or ``error``.

    ``error`` is None when the record was decoded; else it says why not (and ``value`` is
    None), e.g. ``"line 7: invalid JSON: unexpected end of data at byte 12"``.
    """

    index: int
    value: Any = None
    error: str | None = None
    data: bytes | None = None
    """The record's bytes, not yet decoded (``iter_records(..., decode=False)``)."""
    where: str = ""
    """Where the record is in its file, as a decoding error names it."""

    @property
    def ok(self) -> bool:
        return self.error is None

    def decoded(self) -> RawRecord:
        """This record with its bytes decoded (itself if they were): decoding is then the
        work of whoever verifies the record, a Ray node, not of the command that read
        the file, and bytes travel faster than the objects they decode to."""
        if self.data is None:
            return self
        try:
            return RawRecord(self.index, orjson.loads(self.data))
        except orjson.JSONDecodeError as exc:
            return _undecodable(self.index, self.where, exc)


def _undecodable(index: int, where: str, exc: orjson.JSONDecodeError) -> RawRecord:
    """The record at ``where`` whose bytes did not decode, saying why."""
    if exc.msg.startswith("depth limit exceeded"):
        problem = f"is nested more than {ORJSON_DEPTH} levels deep (the max_depth limit)"
        return RawRecord(index, error=f"{where}the record {problem}; not read")
    return RawRecord(index, error=f"{where}invalid JSON: {_reason(exc)}")


class _Inflated(io.RawIOBase):
    """A gzip file's inflated bytes, refused past the size and ratio limits.

    Positions, not running counts: the sniffer seeks back to the start, and a position
    stays right where a count would double.
    """

    def __init__(self, raw: BinaryIO, limits: ReadLimits) -> None:
        self.raw = raw
        self.gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self.limits = limits

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.gz.seek(offset, whence)

    def tell(self) -> int:
        return self.gz.tell()

    def readinto(self, buffer: Any) -> int:
        # One inflate step: a damaged stream then fails after the bytes before the damage
        # were handed over, not inside a read that would drop them.
        n = self.gz.readinto1(buffer)
        inflated = self.gz.tell()
        limits = self.limits
        if inflated > limits.max_decompressed_bytes:
            raise LimitExceeded(
                f"the gzip stream inflates to more than {human(limits.max_decompressed_bytes)} "
                "(the max_decompressed_bytes limit)"
            )
        if inflated > RATIO_FLOOR and inflated > limits.max_gzip_ratio * self.raw.tell():
            raise LimitExceeded(
                f"the gzip stream inflates more than {limits.max_gzip_ratio:g} times "
                "(the max_gzip_ratio limit: a gzip bomb)"
            )
        return n

    def close(self) -> None:
        try:
            self.gz.close()
            self.raw.close()
        finally:
            super().close()


def iter_records(
    path: str | Path, limits: ReadLimits = DEFAULT_LIMITS, *, decode: bool = True
) -> Generator[RawRecord, None, None]:
    """Yield every record of ``path`` in order; record-level problems never stop the stream.

    With ``decode=False`` a record within the limits keeps its bytes, undecoded: its
    :meth:`RawRecord.decoded` gives what ``decode=True`` would have.

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
        raw = path.open("rb")
    except OSError as exc:  # removed or locked between the probe and now
        raise DatasetError(f"cannot open dataset {str(path)!r}: {exc.strerror or exc}") from exc
    stream: BufferedIOBase = io.BufferedReader(_Inflated(raw, limits), CHUNK) if gzipped else raw
    with stream:
        yield from _iter_stream(stream, str(path), limits, decode)


def _iter_stream(
    stream: BufferedIOBase, name: str, limits: ReadLimits, decode: bool
) -> Iterator[RawRecord]:
    try:
        layout = _sniff(stream, name)
    except (*_STREAM_ERRORS, LimitExceeded) as exc:
        raise DatasetError(f"cannot read dataset {name!r}: {exc}") from exc
    if layout is None:
        return
    if layout == "jsonl":
        yield from _iter_jsonl(stream, limits, decode)
    else:
        yield from _iter_json(stream, layout, limits, decode)


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
    if len(first_line) >= _SNIFF_LINE:
        return "jsonl"  # no pretty-printer writes such a line; JSONL reports it as too long
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
    """The next line that is not blank (b"" at the end of the stream), at most 1 MiB."""
    while line := stream.readline(_SNIFF_LINE):
        if line.strip(_WHITESPACE):
            return line
    return b""


def _iter_jsonl(stream: BufferedIOBase, limits: ReadLimits, decode: bool) -> Iterator[RawRecord]:
    cap = limits.max_record_bytes
    index = 0
    lineno = 0
    while True:
        try:
            line = stream.readline(cap + 1)
        except _STREAM_ERRORS as exc:
            yield RawRecord(index, error=f"line {lineno + 1}: the file is damaged: {exc}")
            return
        except LimitExceeded as exc:
            yield RawRecord(index, error=f"line {lineno + 1} and everything after it: {exc}")
            return
        if not line:
            return
        lineno += 1
        if len(line) > cap and not line.endswith(b"\n"):
            try:
                _skip_rest_of_line(stream)
            except (*_STREAM_ERRORS, LimitExceeded) as exc:
                yield RawRecord(index, error=f"line {lineno} and everything after it: {exc}")
                return
            yield RawRecord(
                index,
                error=f"line {lineno}: larger than {human(cap)} (the max_record_bytes limit); "
                "not read",
            )
            index += 1
            continue
        if not line.strip(_WHITESPACE):
            continue
        # A line no longer than the string limit holds no string past it, and orjson
        # itself stops at ORJSON_DEPTH; only other lines are scanned (counting brackets on
        # every line cost a quarter of the reading time).
        if len(line) > limits.max_string_bytes or (
            limits.max_depth < ORJSON_DEPTH
            and line.count(b"[") + line.count(b"{") > limits.max_depth
        ):
            problem = shape_problem(line, limits)
            if problem is not None:
                yield RawRecord(index, error=f"line {lineno}: the record {problem}; not read")
                index += 1
                continue
        if not decode:
            yield RawRecord(index, data=line, where=f"line {lineno}: ")
        else:  # decoded here without a record of bytes first: the reading's hot path
            try:
                yield RawRecord(index, orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                yield _undecodable(index, f"line {lineno}: ", exc)
        index += 1


def _skip_rest_of_line(stream: BufferedIOBase) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _reason(exc: orjson.JSONDecodeError) -> str:
    return f"{exc.msg} at byte {exc.pos}"


def _chunks(stream: BufferedIOBase) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _iter_json(
    stream: BufferedIOBase, layout: Layout, limits: ReadLimits, decode: bool
) -> Iterator[RawRecord]:
    what = "array element" if layout == "array" else "JSON value"
    index = 0
    try:
        for data, problem in split(_chunks(stream), limits, array=layout == "array"):
            if data is None:
                yield RawRecord(index, error=f"{what} {index} cannot be read: it {problem}")
            elif not decode:
                yield RawRecord(index, data=data, where=f"{what} {index} cannot be read: ")
            else:
                try:
                    yield RawRecord(index, orjson.loads(data))
                except orjson.JSONDecodeError as exc:
                    yield _undecodable(index, f"{what} {index} cannot be read: ", exc)
            index += 1
    except LimitExceeded as exc:
        yield RawRecord(index, error=f"{what} {index} and everything after it: {exc}")
    except _STREAM_ERRORS as exc:
        yield RawRecord(index, error=f"{what} {index}: the file is damaged: {exc}")
