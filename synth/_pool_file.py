"""The API pool file: one ``PoolEntry`` per line (JSONL), appended as the pool grows.

A line is a tool spec (``name``, ``description``, ``parameters``, optional
``output_schema``) plus its ``domain`` label (``"travel/hotels"``) and its
``provenance`` (how it was made: seed file, speciation, adaptation or evolution, from
which parent, by which generator). Appending line by line makes a run resumable: a
rerun reads what is there and goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from toolspec import ToolSpec
from toolspec.errors import DatasetError


class PoolEntry(BaseModel):
    """One tool of the API pool with its domain label and provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    parameters: dict[str, Any]
    output_schema: dict[str, Any] | None = None
    domain: str
    provenance: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, spec: ToolSpec, domain: str, provenance: dict[str, Any]) -> PoolEntry:
        return cls(
            name=spec.name,
            description=spec.description,
            parameters=spec.parameters,
            output_schema=spec.output_schema,
            domain=domain,
            provenance=provenance,
        )

    def spec(self) -> ToolSpec:
        """The entry as the one model of a tool (pool specs are JSON Schema already)."""
        return ToolSpec(
            name=self.name,
            description=self.description,
            parameters=self.parameters,
            output_schema=self.output_schema,
        )

    def line(self) -> bytes:
        return orjson.dumps(self.model_dump(exclude_none=True)) + b"\n"


def read_pool(path: str | Path) -> list[PoolEntry]:
    """Every entry of a pool file; ``DatasetError`` naming the line of the first bad one.

    A last line cut short by an interrupted run is dropped (the run that wrote it did not
    finish it); any other bad line is an error.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read pool file {str(file)!r}: {exc.strerror}") from exc
    return parse_pool(raw, file.name)


def parse_pool(raw: bytes, name: str = "pool") -> list[PoolEntry]:
    """The entries of a pool file's content (``name`` is said in errors), as
    :func:`read_pool` reads them."""
    lines = raw.split(b"\n")
    entries: list[PoolEntry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(PoolEntry.model_validate(orjson.loads(line)))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            if number == len(lines) and not raw.endswith(b"\n"):
                break
            reason = str(exc).splitlines()[0]
            raise DatasetError(f"{name}: line {number} is not a pool entry: {reason}") from None
    return entries


def append_lines(path: Path, lines: Iterable[bytes]) -> None:
    """Append whole lines (each ends with a newline) and flush them to the file."""
    with path.open("ab") as fh:
        for line in lines:
            fh.write(line)


def repair_tail(path: Path) -> None:
    """Cut a last line an interrupted run left without its newline, so appends stay JSONL."""
    if not path.exists():
        return
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        cut = raw.rfind(b"\n") + 1
        with path.open("r+b") as fh:
            fh.truncate(cut)
