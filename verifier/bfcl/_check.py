"""Score a BFCL result set: one verdict per id, in BFCL's terms, never a traceback.

Each entry's result is decoded and checked as BFCL does (:func:`check_entry`). Problems
with the result set itself are verdicts too, with ``error_type`` strings of toolproof's
own (prefixed ``toolproof:``), so a broken file is still scored and explained: an id with
no result is invalid (and counts against accuracy), a duplicated id keeps its first result,
an id no requested category has, a result that is neither a string nor a list, or a line
that is not a JSON object with an ``id`` is reported without counting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from toolspec.errors import DatasetError, ParseError
from verifier.bfcl._categories import Category
from verifier.bfcl._checker import check_calls
from verifier.bfcl._data import Entry
from verifier.bfcl._decode import decode_output, has_call, is_call_list

RESULT_GLOB = "BFCL_v4_*_result.json"
"""Names of BFCL's result files inside a result directory."""


class ResultsError(DatasetError):
    """Raised when the results file or directory cannot be read at all (the CLI exits 2)."""

    code = "bfcl.results_unreadable"


@dataclass(slots=True)
class Verdict:
    """One line of VERDICTS.jsonl: ``{"id", "valid", "error_type", "error"}``."""

    id: str | None
    valid: bool
    error_type: str | None = None
    error: list[Any] = field(default_factory=list)
    category: str | None = None
    counted: bool = True
    approximation: bool = False
    """Checked on compiled mocks instead of BFCL's backends (multi-turn without them)."""

    def to_json(self) -> dict[str, Any]:
        line = {
            "id": self.id,
            "valid": self.valid,
            "error_type": self.error_type,
            "error": self.error,
        }
        if self.approximation:
            line["approximation"] = True
        return line


def check_entry(
    category: Category, entry: Entry, result: Any, *, underscore_to_dot: bool = False
) -> Verdict:
    """BFCL's verdict on one model result for one entry."""
    if not isinstance(result, str | list):
        return _verdict(
            entry,
            category,
            "toolproof:invalid_result",
            f"result must be a string (prompting) or a list of calls (function calling), "
            f"not {_kind(result)}",
        )
    if category.kind in ("relevance", "irrelevance"):
        return _relevance(category, entry, result)
    try:
        decoded = decode_output(result, category.language)
    except ParseError as exc:
        return _verdict(
            entry,
            category,
            "ast_decoder:decoder_failed",
            f"Invalid syntax. Failed to decode AST. {exc.message}",
        )
    if not is_call_list(decoded):
        return _verdict(
            entry,
            category,
            "ast_decoder:decoder_wrong_output_format",
            "Did not output in the specified format. Note: the model_result is wrapped in a "
            "string to ensure json serializability.",
        )
    outcome = check_calls(
        category, entry.functions, decoded, entry.answers or [], underscore_to_dot=underscore_to_dot
    )
    if outcome.valid:
        return Verdict(entry.id, True, category=category.name)
    return Verdict(entry.id, False, outcome.error_type, outcome.error, category.name)


def _relevance(category: Category, entry: Entry, result: str | list[Any]) -> Verdict:
    called, decode_error = has_call(result)
    if category.kind == "irrelevance":
        if not called:
            return Verdict(entry.id, True, category=category.name)
        return _verdict(
            entry,
            category,
            "irrelevance_error:decoder_success",
            "Valid syntax. Successfully decode AST when it should not.",
        )
    if called:
        return Verdict(entry.id, True, category=category.name)
    return _verdict(
        entry,
        category,
        "relevance_error:decoder_failed",
        f"Invalid syntax. Failed to decode AST when it should have. {decode_error or ''}".rstrip(),
    )


def _verdict(entry: Entry, category: Category, error_type: str, message: str) -> Verdict:
    return Verdict(entry.id, False, error_type, [message], category.name)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def read_results(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed line)`` of a result file, or of every result file in a directory.

    A line that is not JSON yields a :class:`ParseError` in place of its value.
    """
    if path.is_dir():
        files = sorted(path.rglob(RESULT_GLOB))
        if not files:
            raise ResultsError(f"no BFCL result files ({RESULT_GLOB}) under {path}")
    elif path.is_file():
        files = [path]
    else:
        raise ResultsError(f"results file {path} does not exist")
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise ResultsError(f"cannot read results file {file}: {exc.strerror}") from None
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield number, ParseError(f"{file.name} line {number} is not JSON: {exc}")


MultiTurnCheck = Callable[[list[tuple[Any, Any]]], list[Verdict]]
"""Verdicts for ``(multi-turn entry, result)`` pairs, in order (they run in a sandbox)."""

CheckJob = tuple[Category, Any, Any]
"""One entry to score: its category, the entry, the model's result for it."""

CheckJobs = Callable[[list[CheckJob]], list[Verdict]]
"""Verdicts for jobs, in order: :func:`check_jobs` here, or the same in chunks on the
nodes of a cluster."""


def check_jobs(
    jobs: list[CheckJob],
    *,
    underscore_to_dot: bool = False,
    multi_turn: MultiTurnCheck | None = None,
) -> list[Verdict]:
    """Each job's verdict, in order: single-turn entries by BFCL's AST checker, the
    multi-turn ones by ``multi_turn``, all of them in one call (it runs them in parallel)."""
    verdicts: list[Verdict | None] = []
    deferred: list[tuple[int, tuple[Any, Any]]] = []
    for category, entry, result in jobs:
        if category.kind == "multi_turn":
            deferred.append((len(verdicts), (entry, result)))
            verdicts.append(None)
        else:
            verdicts.append(_guarded(category, entry, result, underscore_to_dot))
    if deferred:
        if multi_turn is None:
            raise ValueError("multi-turn categories need a multi_turn checker")
        for (position, _), verdict in zip(
            deferred, multi_turn([job for _, job in deferred]), strict=True
        ):
            verdicts[position] = verdict
    return [v for v in verdicts if v is not None]


def check_results(
    categories: Iterable[tuple[Category, list[Any]]],
    lines: Iterable[tuple[int, Any]],
    *,
    underscore_to_dot: bool = False,
    partial: bool = False,
    select: set[str] | None = None,
    multi_turn: MultiTurnCheck | None = None,
    check: CheckJobs | None = None,
) -> list[Verdict]:
    """Verdicts for every entry of the categories (in file order), then for stray lines.

    ``partial`` scores only the entries that have a result (BFCL's ``--partial-eval``):
    an entry without one gets no verdict instead of counting as wrong. ``select`` scores
    only the entries with those ids (results for the others are ignored). The entries
    with a result are scored by ``check`` (default: :func:`check_jobs` here, multi-turn
    entries by ``multi_turn``); what the result set itself gets wrong is scored here.
    """
    results: dict[str, Any] = {}
    stray: list[Verdict] = []
    for number, record in lines:
        if isinstance(record, ParseError):
            stray.append(_stray(None, "toolproof:unreadable_line", record.message))
            continue
        entry_id = record.get("id") if isinstance(record, dict) else None
        if not isinstance(entry_id, str):
            stray.append(
                _stray(
                    None,
                    "toolproof:unreadable_line",
                    f"line {number} is not an object with a string 'id'",
                )
            )
        elif entry_id in results:
            stray.append(
                _stray(
                    entry_id,
                    "toolproof:duplicate_id",
                    f"id {entry_id!r} appears again on line {number}; its first result is scored",
                )
            )
        elif "result" not in record:
            results[entry_id] = _MISSING_FIELD
        else:
            results[entry_id] = record["result"]
    verdicts: list[Verdict | None] = []
    jobs: list[tuple[int, CheckJob]] = []
    for category, entries in categories:
        for entry in entries:
            result = results.pop(entry.id, _ABSENT)
            if select is not None and entry.id not in select:
                continue
            if result is _ABSENT:
                if partial:
                    continue
                verdicts.append(
                    _verdict(entry, category, "toolproof:missing_result", "no result for this id")
                )
            elif result is _MISSING_FIELD:
                verdicts.append(
                    _verdict(entry, category, "toolproof:invalid_result", "line has no 'result'")
                )
            else:
                jobs.append((len(verdicts), (category, entry, result)))
                verdicts.append(None)
    if jobs:
        run = check or functools.partial(
            check_jobs, underscore_to_dot=underscore_to_dot, multi_turn=multi_turn
        )
        for (position, _), verdict in zip(jobs, run([job for _, job in jobs]), strict=True):
            verdicts[position] = verdict
    scored = [v for v in verdicts if v is not None]
    for entry_id in results:
        scored.append(
            _stray(
                entry_id,
                "toolproof:unknown_id",
                f"id {entry_id!r} is not in the categories checked",
            )
        )
    return scored + stray


def _guarded(category: Category, entry: Entry, result: Any, underscore_to_dot: bool) -> Verdict:
    """check_entry, with a verdict instead of a traceback if hostile data breaks a rule.

    Data files are validated on loading, but only so deep; BFCL itself crashes on some
    malformed answers, toolproof reports them per id and goes on.
    """
    try:
        return check_entry(category, entry, result, underscore_to_dot=underscore_to_dot)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        return _verdict(
            entry,
            category,
            "toolproof:unscorable",
            f"the entry's data cannot be scored: {type(exc).__name__}: {exc}",
        )


_ABSENT = object()
_MISSING_FIELD = object()


def _stray(entry_id: str | None, error_type: str, message: str) -> Verdict:
    return Verdict(entry_id, False, error_type, [message], counted=False)
