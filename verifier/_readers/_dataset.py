"""A dataset file (or a list of records) as a stream of samples in input order.

``read_dataset`` detects the format on the first few readable records, then each
iteration streams the file again from its start, so peeking for detection never loses a
record and memory stays bounded whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from pathlib import Path

from toolspec.errors import DatasetError
from verifier._limits import DEFAULT_LIMITS, ReadLimits
from verifier._model import Sample
from verifier._readers._base import DETECT_SAMPLE, detect_format, get_reader, unreadable
from verifier._readers._io import RawRecord, iter_records

Source = Callable[[], Generator[RawRecord, None, None]]
#: Errors a reader may hit on hostile data it did not foresee; the record becomes unreadable.
_READ_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError)


class Dataset:
    """Samples of one dataset in input order; ``format`` is the reader used.

    ``detected`` is True when the format was found by auto-detection (the CLI says so).
    Iterable more than once: each pass re-reads the source.
    """

    def __init__(self, source: Source, format: str, *, detected: bool) -> None:
        self._source = source
        self.format = format
        self.detected = detected
        self._reader = get_reader(format)

    def __iter__(self) -> Iterator[Sample]:
        reader = self._reader
        for raw in self._source():
            if raw.error is not None:
                yield unreadable(raw.index, self.format, raw.error)
                continue
            try:
                yield reader.read(raw.value, raw.index)
            except _READ_ERRORS as exc:
                yield unreadable(
                    raw.index,
                    self.format,
                    f"record {raw.index} cannot be read as {self.format}: "
                    f"{type(exc).__name__}: {exc}",
                    raw.value,
                )

    @classmethod
    def from_records(cls, records: Iterable[object], format: str = "auto") -> Dataset:
        """Records already decoded (an HTTP request body): same readers, same findings."""
        held = list(records)

        def source() -> Generator[RawRecord, None, None]:
            for i, record in enumerate(held):
                yield RawRecord(i, record)

        return cls._resolve(source, format, held)

    @classmethod
    def _resolve(cls, source: Source, format: str, held: list[object] | None = None) -> Dataset:
        """The dataset in ``format``, detected when "auto": on ``held`` (decoded records,
        all readable: a one-sample HTTP request pays for no generator) or on the source."""
        if format != "auto":
            return cls(source, format, detected=False)
        if held is not None:
            return cls(source, detect_format(held[:DETECT_SAMPLE]), detected=True)
        records = source()
        try:
            name = detect_format(islice((r.value for r in records if r.ok), DETECT_SAMPLE))
        finally:
            records.close()
        return cls(source, name, detected=True)


def read_dataset(
    path: str | Path, format: str = "auto", limits: ReadLimits = DEFAULT_LIMITS
) -> Dataset:
    """The dataset at ``path`` (JSON array, JSONL, or gzip of either) in ``format``.

    A record past one of ``limits`` (nesting, string, record size) is unreadable; a gzip
    stream past its size or ratio limit ends with one unreadable record.

    ``format="auto"`` detects it from the first readable records. Raises ``DatasetError``
    when the file cannot be opened or is not JSON, ``UnknownFormatError`` for an unknown
    format name, and ``DatasetError`` when detection finds no format or several.
    """
    path = Path(path)
    if path.is_dir():
        raise DatasetError(
            f"dataset {str(path)!r} is a directory; give a dataset file (JSON, JSONL or gzip)"
        )
    if not path.is_file():
        raise DatasetError(f"dataset {str(path)!r} does not exist or is not a file")

    def source() -> Generator[RawRecord, None, None]:
        yield from iter_records(path, limits)

    return Dataset._resolve(source, format)
