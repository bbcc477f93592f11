"""The reader seam: one ``Reader`` per dataset format, a registry by name, detection.

A reader turns one decoded record into a :class:`verifier.Sample` and never raises on bad
data: a record that is not in its format becomes a sample with a ``sample.unreadable``
finding, so that every input record still gets exactly one result line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar, runtime_checkable

from toolspec.errors import DatasetError, UnknownFormatError
from toolspec.registry import Registry
from verifier._model import Finding, Sample

#: How many readable records auto-detection looks at.
DETECT_SAMPLE = 16
#: Fields that carry a record's own id, most specific first.
_ID_FIELDS = ("id", "sample_id", "idx", "uid", "conversation_id", "question_id")


@runtime_checkable
class Reader(Protocol):
    """Reads one dataset format. ``detect`` is cheap and conservative; ``read`` is total."""

    name: str

    def detect(self, record: object) -> bool:
        """True when ``record`` looks like this format (used only for auto-detection)."""
        ...

    def read(self, record: object, index: int) -> Sample:
        """The record as a sample; problems become findings on it, never exceptions."""
        ...


READERS: Registry[Reader] = Registry(
    "unknown dataset format {name}; known formats: {known}", error=UnknownFormatError
)

R = TypeVar("R", bound=type)


def register(cls: R) -> R:
    """Class decorator: instantiate the reader and register it under its ``name``."""
    reader = cls()
    READERS.add(reader.name, reader)
    return cls


def reader_names() -> list[str]:
    """The registered format names, sorted."""
    return READERS.names()


def get_reader(name: str) -> Reader:
    """The reader called ``name``; raises ``UnknownFormatError`` naming the known ones."""
    return READERS.get(name)


def detect_format(records: Iterable[object]) -> str:
    """The one format most of the first few records are in; raises ``DatasetError`` else.

    Looks at up to :data:`DETECT_SAMPLE` records; each reader counts the records it
    recognises. The unique best count wins; a tie or no recognised record is an error
    naming the candidates, so that the user can pass ``--format``.
    """
    votes: dict[str, int] = {}
    seen = 0
    readers = READERS.items()
    for record in records:
        if seen >= DETECT_SAMPLE:
            break
        seen += 1
        for name, reader in readers:
            if reader.detect(record):
                votes[name] = votes.get(name, 0) + 1
    if not seen:
        raise DatasetError("cannot detect the dataset format: no readable record")
    if not votes:
        raise DatasetError(
            f"cannot detect the dataset format: none of the first {seen} readable records "
            f"is in a known format ({', '.join(reader_names())}); pass --format"
        )
    best = max(votes.values())
    winners = sorted(name for name, count in votes.items() if count == best)
    if len(winners) > 1:
        raise DatasetError(
            f"the dataset format is ambiguous: {' and '.join(winners)} each recognise "
            f"{best} of the first {seen} records; pass --format"
        )
    return winners[0]


def record_id(record: object, index: int) -> str:
    """The record's own id (``id``, ``sample_id``, ``idx``…) if it has one, else the index."""
    if isinstance(record, dict):
        for key in _ID_FIELDS:
            value = record.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
    return str(index)


def unreadable(index: int, fmt: str, reason: str, raw: object = None) -> Sample:
    """A sample standing for a record that could not be read, with the reason as finding."""
    return Sample(
        index=index,
        id=record_id(raw, index),
        format=fmt,
        findings=[Finding.of("sample.unreadable", reason)],
        raw=raw,
    )


def not_in_format(index: int, fmt: str, record: object, expected: str) -> Sample:
    """An unreadable sample for a record of the wrong shape; says what was expected."""
    if isinstance(record, dict):
        keys = ", ".join(sorted(str(k) for k in record)[:8]) or "no keys"
        got = f"an object with {keys}"
    else:
        got = f"a JSON {_json_type(record)}"
    return unreadable(
        index,
        fmt,
        f"record {index} is not in the {fmt} format: expected {expected}, got {got}",
        record,
    )


def _json_type(value: object) -> str:
    names: dict[type, str] = {list: "array", str: "string", bool: "boolean", float: "number"}
    if value is None:
        return "null"
    if isinstance(value, int) and not isinstance(value, bool):
        return "number"
    return names.get(type(value), type(value).__name__)
