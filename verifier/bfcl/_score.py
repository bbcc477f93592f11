"""One call from a result set to verdicts and a summary: what ``toolproof bfcl check`` runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.bfcl._categories import CATEGORIES, Category, resolve_categories
from verifier.bfcl._check import Verdict, check_results, read_results
from verifier.bfcl._data import DEFAULT_DATA_DIR, load_entries, question_path
from verifier.bfcl._summary import summarize


@dataclass(frozen=True, slots=True)
class Report:
    """Every verdict (entries of the categories first, in file order) and the summary."""

    verdicts: list[Verdict]
    summary: dict[str, Any]


def score_results(
    category: str,
    results: Path,
    data_dir: Path | None = None,
    *,
    underscore_to_dot: bool = False,
    partial: bool = False,
    select: set[str] | None = None,
) -> Report:
    """Score ``results`` (a BFCL result file or directory) for ``category`` (or ``all``).

    Raises :class:`~synth.errors.ConfigError` for an unknown category and
    :class:`~synth.errors.DatasetError` for unreadable data or results.
    ``underscore_to_dot`` accepts ``math_factorial`` for ``math.factorial``, as BFCL does
    for models whose API forbids dots in function names. ``partial`` scores only the
    entries present in the results (BFCL's ``--partial-eval``); otherwise an entry without
    a result counts as wrong. ``select`` limits scoring to the entries with those ids.
    """
    chosen = resolve_categories(category)
    loaded = [(c, load_entries(data_dir or DEFAULT_DATA_DIR, c)) for c in chosen]
    verdicts = check_results(
        loaded,
        read_results(results),
        underscore_to_dot=underscore_to_dot,
        partial=partial,
        select=select,
    )
    sizes = {c.name: _size(data_dir or DEFAULT_DATA_DIR, c) for c in CATEGORIES.values()}
    sizes.update(
        {c.name: sum(select is None or e.id in select for e in entries) for c, entries in loaded}
    )
    return Report(verdicts, summarize(verdicts, sizes))


def _size(data_dir: Path, category: Category) -> int:
    """Entries of a category not checked (BFCL still weighs it by its size), 0 if absent."""
    try:
        return sum(
            1
            for line in question_path(data_dir, category).read_bytes().splitlines()
            if line.strip()
        )
    except OSError:
        return 0
