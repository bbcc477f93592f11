"""The report-writer seam: one Protocol, a registry by name, and a spooled body.

Reports stream: a writer sees each (sample, result) once, as the pipeline produces it,
and gets the final ``Summary`` at ``close``. Formats whose header needs totals (HTML's
summary, JUnit's counts) write their body to a temporary spool file and assemble the
final document at close, so memory stays flat whatever the dataset size.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol, TypeVar

from toolspec.registry import Registry
from verifier._model import Sample, SampleResult
from verifier._summary import Summary


class ReportWriter(Protocol):
    """Receives every result in input order, then the summary."""

    def add(self, sample: Sample, result: SampleResult) -> None: ...

    def close(self, summary: Summary) -> None: ...


ReportFactory = Callable[[Path], ReportWriter]
REPORTS: Registry[ReportFactory] = Registry("unknown report format {name}; known: {known}")

F = TypeVar("F", bound=ReportFactory)


def report_writer(name: str) -> Callable[[F], F]:
    """Register a report format under ``name`` (decorator)."""
    return REPORTS.register(name)


def open_report(name: str, path: Path) -> ReportWriter:
    return REPORTS.get(name)(path)


class SpooledDocument:
    """A text document whose head is written last: body to a spool, then head+body+tail."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.body: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - closed in finish()
            mode="w+", encoding="utf-8", dir=path.parent
        )

    def finish(self, head: str, tail: str) -> None:
        tmp = self.path.with_name(self.path.name + ".part")
        try:
            with tmp.open("w", encoding="utf-8") as out:
                out.write(head)
                self.body.seek(0)
                shutil.copyfileobj(self.body, out)
                out.write(tail)
            tmp.replace(self.path)
        finally:
            self.body.close()
            tmp.unlink(missing_ok=True)
