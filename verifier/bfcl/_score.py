"""One call from a result set to verdicts and a summary: what ``toolproof bfcl check`` runs."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.bfcl._categories import (
    CATEGORIES,
    MULTI_TURN_CATEGORIES,
    Category,
    resolve_categories,
)
from verifier.bfcl._check import (
    CheckJobs,
    MultiTurnCheck,
    Verdict,
    check_results,
    read_results,
)
from verifier.bfcl._data import DEFAULT_DATA_DIR, load_entries, question_path
from verifier.bfcl._summary import summarize

if TYPE_CHECKING:
    from verifier.bfcl._backends import Backends


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
    backends: Path | None = None,
    trusted: bool = False,
    workers: int = 2,
    sandbox: str = "process",
    sandbox_options: Mapping[str, Any] | None = None,
    check: CheckJobs | None = None,
) -> Report:
    """Score ``results`` (a BFCL result file or directory) for ``category`` (or ``all``).

    Raises :class:`~toolspec.errors.ConfigError` for an unknown category and
    :class:`~toolspec.errors.DatasetError` for unreadable data or results.
    ``underscore_to_dot`` accepts ``math_factorial`` for ``math.factorial``, as BFCL does
    for models whose API forbids dots in function names. ``partial`` scores only the
    entries present in the results (BFCL's ``--partial-eval``); otherwise an entry without
    a result counts as wrong. ``select`` limits scoring to the entries with those ids.
    Multi-turn categories run on the backends in ``backends`` (a directory that
    ``toolproof bfcl backends fetch`` made, or of modules written the same way, which then
    need ``trusted``), on ``workers`` pairs of sessions of the ``sandbox`` backend; with
    ``backends=None``, on compiled mocks of the function docs, and every verdict and the
    summary say it is an approximation. ``check`` scores the entries that have a result
    instead (in chunks on a cluster; ``backends`` and the sandbox are then its own).
    """
    chosen = resolve_categories(category)
    loaded = [(c, _load(data_dir or DEFAULT_DATA_DIR, c)) for c in chosen]
    with contextlib.ExitStack() as stack:
        multi_turn: MultiTurnCheck | None = None
        if check is None and any(c.kind == "multi_turn" for c in chosen):
            from verifier.bfcl._backends import load_backends

            multi_turn = multi_turn_checker(
                stack,
                load_backends(backends) if backends is not None else None,
                workers=workers,
                trusted=trusted,
                sandbox=sandbox,
                sandbox_options=sandbox_options,
            )
        verdicts = check_results(
            loaded,
            read_results(results),
            underscore_to_dot=underscore_to_dot,
            partial=partial,
            select=select,
            multi_turn=multi_turn,
            check=check,
        )
    every = [*CATEGORIES.values(), *MULTI_TURN_CATEGORIES.values()]
    sizes = {c.name: _size(data_dir or DEFAULT_DATA_DIR, c) for c in every}
    sizes.update(
        {c.name: sum(select is None or e.id in select for e in entries) for c, entries in loaded}
    )
    summary = summarize(verdicts, sizes)
    if any(v.approximation for v in verdicts):
        from verifier.bfcl._mt_approx import APPROXIMATION

        summary["approximation"] = APPROXIMATION
    return Report(verdicts, summary)


def multi_turn_checker(
    stack: contextlib.ExitStack,
    backends: Backends | None,
    *,
    workers: int = 2,
    trusted: bool = False,
    sandbox: str = "process",
    sandbox_options: Mapping[str, Any] | None = None,
) -> MultiTurnCheck:
    """The multi-turn check on ``backends`` in the sandbox (``stack`` closes it); with no
    backends, on compiled mocks of the function docs: an approximation."""
    if backends is None:
        from verifier.bfcl._mt_approx import ApproxMultiTurnRunner

        return stack.enter_context(ApproxMultiTurnRunner()).check
    from verifier.bfcl._mt_run import MultiTurnRunner

    runner = MultiTurnRunner(
        backends, workers=workers, trusted=trusted, backend=sandbox, options=sandbox_options
    )
    return stack.enter_context(runner).check


def _load(data_dir: Path, category: Category) -> list[Any]:
    if category.kind == "multi_turn":
        from verifier.bfcl._mt_run import load_multi_turn  # the sandbox loads only for these

        return load_multi_turn(data_dir, category)
    return load_entries(data_dir, category)


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
