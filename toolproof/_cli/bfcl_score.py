"""The scoring half of ``toolproof bfcl``: ``check`` and ``run`` (after the model has
answered) score a result file here, on an engine or in this process, then write the
verdicts and the summary and print BFCL's tables.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from toolproof._cli.engine import engine as open_engine
from toolspec.errors import ToolproofError

if TYPE_CHECKING:
    from toolproof.engines import BfclWork
    from verifier.bfcl import Report

_err = Console(stderr=True)
_out = Console()

MISSING = "toolproof:missing_result"  # an entry's verdict when the results have no line for it


def fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def _json(value: Any) -> bytes:
    return orjson.dumps(
        value, default=repr, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    )


def _write_report(report: Report, out: Path, summary: Path | None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        for verdict in report.verdicts:
            handle.write(_json(verdict.to_json()))
    target = summary or out.with_name(out.stem + ".summary.json")
    target.write_bytes(
        orjson.dumps(report.summary, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    )
    return target


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title="BFCL accuracy")
    table.add_column("category")
    table.add_column("correct", justify="right")
    table.add_column("total", justify="right")
    table.add_column("accuracy", justify="right")
    for name, score in summary["categories"].items():
        table.add_row(
            name, str(score["correct_count"]), str(score["total_count"]), f"{score['accuracy']:.2%}"
        )
    _out.print(table)
    if not any(score["complete"] for score in summary["groups"].values()):
        return _print_not_counted(summary)
    groups = Table(title="BFCL summary (groups)")
    groups.add_column("group")
    groups.add_column("accuracy", justify="right")
    for name, score in summary["groups"].items():
        shown = f"{score['accuracy']:.2%}" if score["complete"] else "N/A"
        groups.add_row(name, shown)
    _out.print(groups)
    _print_not_counted(summary)


def _print_not_counted(summary: dict[str, Any]) -> None:
    if summary["not_counted"]:
        _out.print(f"{summary['not_counted']} result line(s) not counted (see the verdicts)")


def score_and_report(
    category: str,
    results: Path,
    data: Path | None,
    out: Path,
    summary: Path | None,
    fc: bool,
    partial: bool,
    select: set[str] | None = None,
    backends: Path | None = None,
    trusted: bool = False,
    workers: int = 2,
    sandbox: str = "process",
    engine: EngineChoice | None = None,
) -> None:
    from toolproof.engines import chunked_check
    from verifier.bfcl import score_results  # the checker loads only for this command

    try:
        with ExitStack() as stack:
            found = backends or fetched_backends()
            check = None
            if engine is not None:
                work = _work(category, fc, found, trusted, workers, sandbox)
                started = open_engine(stack, engine.name, engine.address)
                check = chunked_check(started, work, engine.shard_size)
            report = score_results(
                category,
                results,
                data,
                underscore_to_dot=fc,
                partial=partial,
                select=select,
                backends=found,
                trusted=trusted,
                workers=workers,
                sandbox=sandbox,
                sandbox_options=sandbox_options(sandbox),
                check=check,
            )
    except ToolproofError as exc:
        raise fail(exc.message) from None
    try:
        written = _write_report(report, out, summary)
    except OSError as exc:
        raise fail(f"cannot write {exc.filename or out}: {exc.strerror}") from None
    _print_summary(report.summary)
    if "approximation" in report.summary:
        _err.print(f"[yellow]{report.summary['approximation']}[/yellow]", highlight=False)
    _out.print(f"verdicts: {out}  summary: {written}", highlight=False)
    if not any(v.counted and v.error_type != MISSING for v in report.verdicts):
        _err.print(
            f"[red]nothing was scored:[/red] no line of {results} holds a result for an "
            f"entry of {category}, so there is no accuracy to report",
            highlight=False,
        )
        raise typer.Exit(1)


@dataclass(frozen=True, slots=True)
class EngineChoice:
    """``--engine``, ``--address`` and ``--shard-size`` of ``bfcl check``."""

    name: str
    address: str | None
    shard_size: int


def _work(
    category: str, fc: bool, backends: Path | None, trusted: bool, workers: int, sandbox: str
) -> BfclWork:
    """What scores a chunk of entries anywhere: the backends go with it, loaded here."""
    from toolproof.engines import BfclWork
    from verifier.bfcl import load_backends, resolve_categories

    multi_turn = any(c.kind == "multi_turn" for c in resolve_categories(category))
    return BfclWork(
        underscore_to_dot=fc,
        backends=load_backends(backends) if multi_turn and backends is not None else None,
        trusted=trusted,
        workers=workers,
        sandbox=sandbox,
        sandbox_options=sandbox_options(sandbox),
    )


def sandbox_options(backend: str) -> dict[str, Any]:
    from toolproof.compose import sandbox_options
    from toolproof.settings import get_settings

    return sandbox_options(get_settings(), backend)


def fetched_backends() -> Path | None:
    """The backends `bfcl backends fetch` extracted, or None (then: an approximation)."""
    found = default_backends()
    return found if (found / "func_source_code").is_dir() else None


def default_backends() -> Path:
    from toolproof.settings import get_settings
    from verifier.bfcl import default_backends_dir

    return default_backends_dir(get_settings().home)
