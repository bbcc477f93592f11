"""Appending verified dialogs in attempt order: what ``synth dialogs`` writes, and resumes.

Attempts come in windows of consecutive indices from a source: the generator itself on
one machine (:meth:`DialogGenerator.attempts`), or ranges played and verified on the
nodes of a cluster (:meth:`DialogGenerator.verified`). Whatever the source, the writer
takes the attempts in index order, drops a dialog whose digest the output holds already,
verifies what the source did not, and writes the passing ones until the output holds
``n``: the same attempts give the same file and the same counts.

Resumable: every record's ``id`` is its attempt number; a rerun reads the output file,
keeps what is there and continues after the last attempt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from synth._pool_file import append_lines, repair_tail
from synth._protocols import Verdict, Verify
from toolspec.errors import DatasetError

ID_PREFIX = "synth-"

Progress = Callable[[int, int, int], None]
#: An attempt: the reason it failed, its record, or its record and the record's verdict.
Attempt = str | dict[str, Any] | tuple[dict[str, Any], Verdict]
#: The attempts of consecutive indices, in order.
Attempts = Callable[[range], Sequence[Attempt]]


@dataclass
class DialogStats:
    """What a run did: attempts, written dialogs, failures by reason and by code."""

    resumed: int = 0
    attempts: int = 0
    verified: int = 0
    passed: int = 0
    written: int = 0
    stalled: bool = False
    failed_generation: Counter[str] = field(default_factory=Counter)
    failed_codes: Counter[str] = field(default_factory=Counter)
    domains: Counter[str] = field(default_factory=Counter)
    patterns: Counter[str] = field(default_factory=Counter)
    param_types: Counter[str] = field(default_factory=Counter)

    @property
    def pass_rate(self) -> float:
        """Share of generated dialogs that passed verification."""
        return self.passed / self.verified if self.verified else 0.0

    def count(self, record: dict[str, Any]) -> None:
        found = record.get("meta")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        self.domains[str(meta.get("domain", "?")).split("/")[0]] += 1
        for p in meta.get("patterns") or ():
            self.patterns[str(p)] += 1
        for t in meta.get("argument_types") or ():
            self.param_types[str(t)] += 1


class DialogWriter:
    """Writes the passing dialogs of a stream of attempts (see the module docstring).

    ``verify`` checks the records a source gives without a verdict; ``window`` is the
    most attempts asked for at once.
    """

    def __init__(self, verify: Verify | None, format: str, *, window: int = 64) -> None:
        self.verify, self.format, self.window = verify, format, max(1, window)
        self.stats = DialogStats()
        #: Digests of the dialogs written (this run's and a resumed file's), so that a
        #: resumed run does not write a dialog the file already holds.
        self._digests: set[str] = set()

    def run(
        self,
        out: Path,
        n: int,
        attempts: Attempts,
        progress: Progress | None = None,
        max_attempts: int | None = None,
    ) -> DialogStats:
        """Append verified dialogs to ``out`` until it holds ``n``; resumes a partial file."""
        next_index = self._resume(out)
        limit = max_attempts if max_attempts is not None else n * 20 + 100
        tried = 0
        while self.stats.written < n:
            if tried >= limit:
                self.stats.stalled = True
                break
            # The last windows shrink to what is still missing (plus a margin for failures).
            size = min(self.window, (n - self.stats.written) * 5 // 4 + 2, limit - tried)
            indices = range(next_index, next_index + size)
            next_index, tried = next_index + size, tried + size
            batch: list[dict[str, Any]] = []
            verdicts: list[Verdict | None] = []
            for outcome in attempts(indices):
                self.stats.attempts += 1
                if isinstance(outcome, str):
                    self.stats.failed_generation[outcome] += 1
                    continue
                record, verdict = outcome if isinstance(outcome, tuple) else (outcome, None)
                if record["meta"]["digest"] in self._digests:
                    self.stats.failed_generation["duplicate"] += 1
                else:
                    self._digests.add(record["meta"]["digest"])
                    batch.append(record)
                    verdicts.append(verdict)
            if batch:
                self._write(out, batch, self._verdicts(batch, verdicts), n)
            if progress is not None:
                progress(self.stats.written, n, self.stats.attempts)
        return self.stats

    def _verdicts(self, batch: list[dict[str, Any]], given: list[Verdict | None]) -> list[Verdict]:
        known = [v for v in given if v is not None]
        if len(known) == len(batch):
            return known
        if self.verify is None:
            raise ValueError("attempts without a verdict need a verify callable")
        return self.verify(batch, self.format)

    def _write(
        self, out: Path, batch: list[dict[str, Any]], verdicts: list[Verdict], n: int
    ) -> None:
        lines: list[bytes] = []
        for record, verdict in zip(batch, verdicts, strict=True):
            self.stats.verified += 1
            if not verdict.passed:
                for code in set(verdict.codes):
                    self.stats.failed_codes[code] += 1
                continue
            self.stats.passed += 1
            if self.stats.written >= n:
                continue
            lines.append(orjson.dumps(record) + b"\n")
            self.stats.written += 1
            self.stats.count(record)
        append_lines(out, lines)

    def _resume(self, out: Path) -> int:
        """Count what ``out`` holds; the attempt to start from."""
        repair_tail(out)
        if not out.exists():
            return 0
        last = -1
        with out.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    record = orjson.loads(line)
                    last = max(last, int(str(record["id"]).removeprefix(ID_PREFIX)))
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    raise DatasetError(
                        f"{out.name}: line {number} is not a dialog this command wrote; "
                        "choose another --out to start afresh"
                    ) from None
                self.stats.written += 1
                self.stats.resumed += 1
                self.stats.count(record)
                meta = record.get("meta")
                if isinstance(meta, dict) and isinstance(meta.get("digest"), str):
                    self._digests.add(meta["digest"])
        return last + 1
