"""``toolproof verify``: read a dataset, verify every record, write results and reports.

Exit codes (DESIGN.md): 0 verified (and the gate, if any, passed), 1 the gate failed (the
pass rate is below ``--fail-under``, or fewer samples than ``--min-samples`` were
verified: zero verified samples never pass a gate), 2 usage or input error. Results
stream: each record's line is written as soon as it is verified, in input order.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from toolproof._cli.engine import (
    ADDRESS_OPTION,
    ENGINE_OPTION,
    RECORDS_PER_SHARD,
    engine as open_engine,
    shard_option,
)
from toolspec.errors import ToolproofError

if TYPE_CHECKING:
    from verifier import ReportWriter, Sample, SampleResult, Summary

#: Spaces between the names, so that --help wraps them instead of cutting them at 80 columns.
FORMATS = "auto (detect it), toolace, openai, sharegpt, hermes, glaive, xlam or bfcl"


def _gate_rate(value: float | None) -> float | None:
    """``--fail-under`` accepts a share (0.95) or a percentage (95)."""
    if value is None:
        return None
    if value < 0 or value > 100:
        raise ToolproofError(f"--fail-under must be a rate in 0..1 or a percentage; got {value}")
    return value / 100 if value > 1 else value


def _gate_failure(summary: Summary, rate: float | None, min_samples: int | None) -> str | None:
    """Why the release gate fails, or None; without ``--fail-under`` or ``--min-samples``
    there is no gate. An empty or truncated release file must not pass CI, so a gate
    needs at least one verified sample whatever its rate."""
    if rate is None and min_samples is None:
        return None
    needed = min_samples or 1
    if summary.total == 0:
        return "no sample was verified (is the dataset empty?): zero samples never pass a gate"
    if summary.total < needed:
        return f"{summary.total} samples were verified, fewer than --min-samples {needed}"
    if rate is not None and summary.pass_rate < rate:
        return f"pass rate {summary.pass_rate:.2%} is below {rate:.2%}"
    return None


def verify(
    dataset: Path = typer.Argument(
        ...,
        help="dataset file: a JSON array, JSONL, or gzip of either",
        show_default=False,
        metavar="DATASET",
    ),
    format: str = typer.Option(
        "auto", "--format", "-f", help=f"dataset format: {FORMATS}", metavar="FORMAT"
    ),
    layers: str = typer.Option(
        "rules",
        "--layers",
        help="comma-separated layers to run: rules, exec, judge (e.g. rules,exec)",
        metavar="LAYERS",
    ),
    sandbox: str | None = typer.Option(
        None,
        "--sandbox",
        help="sandbox backend for the exec layer: process (default, or TOOLPROOF_SANDBOX) "
        "or docker",
        metavar="BACKEND",
    ),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="judge for the judge layer: 'offline' (default, or TOOLPROOF_JUDGE) or the base "
        "URL of an OpenAI-compatible endpoint",
        metavar="JUDGE",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="write one result line per record (JSONL); '-' for stdout",
        metavar="FILE",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="write a self-contained HTML report", metavar="FILE"
    ),
    junit: Path | None = typer.Option(
        None, "--junit", help="write JUnit XML (one case per sample)", metavar="FILE"
    ),
    fail_under: float | None = typer.Option(
        None,
        "--fail-under",
        help="exit 1 when the pass rate is below RATE (0..1, or a percentage such as 95)",
        metavar="RATE",
    ),
    min_samples: int | None = typer.Option(
        None,
        "--min-samples",
        min=1,
        help="exit 1 when fewer than N samples were verified (a gate needs 1 at least, "
        "so with --fail-under an empty dataset fails)",
        metavar="N",
    ),
    engine: str = ENGINE_OPTION,
    address: str | None = ADDRESS_OPTION,
    shard_size: int = shard_option(RECORDS_PER_SHARD, "records"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar, no summary"),
) -> None:
    """Verify every record of a function-calling dataset and print a summary.

    One result per input record, in input order (unreadable records included). The
    rule layer checks specs, calls, dialog structure and consistency. The records go
    in shards to the engine (this process, or the nodes of a Ray cluster); the results
    are the same whatever the engine.
    """
    err = Console(stderr=True)
    # the readers and layers load when the command runs, not for `--help`
    from toolproof._cli.summary import print_summary
    from toolproof.engines import VerifyWork, verify_records
    from toolproof.settings import get_settings
    from verifier import Summary, iter_records, open_report, parse_layers, read_dataset

    to_stdout = out is not None and str(out) == "-"
    console = err if to_stdout else Console()
    settings = get_settings()
    with ExitStack() as stack:
        try:
            gate = _gate_rate(fail_under)
            chosen = parse_layers(layers)
            data = read_dataset(dataset, format, settings.read_limits)
            work = VerifyWork(data.format, chosen, settings, sandbox=sandbox, judge=judge,
                              report=report is not None)  # fmt: skip
            started_engine = open_engine(stack, engine, address)
            records = iter_records(dataset, settings.read_limits, decode=False)
            results = verify_records(started_engine, work, records, shard_size)
            stack.callback(results.close)
        except ToolproofError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        if data.detected and not quiet:
            err.print(f"detected format: [bold]{data.format}[/]")
        writers: list[ReportWriter] = []
        if out is not None and not to_stdout:
            writers.append(open_report("jsonl", out))
        if report is not None:
            writers.append(open_report("html", report))
        if junit is not None:
            writers.append(open_report("junit", junit))
        summary = Summary(format=data.format, layers=chosen)
        started = time.perf_counter()
        try:
            _stream(results, summary, writers, err, quiet=quiet, to_stdout=to_stdout)
        except ToolproofError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        finally:
            for w in writers:
                w.close(summary)
    elapsed = time.perf_counter() - started
    if not quiet:
        print_summary(console, summary, elapsed)
        for label, path in (("results", out), ("report", report), ("junit", junit)):
            if path is not None and not to_stdout:
                console.print(f"{label}: {path}")
    failure = _gate_failure(summary, gate, min_samples)
    if failure is not None:
        err.print(f"[red]gate failed:[/] {failure}", highlight=False)
        raise typer.Exit(1)


def _stream(
    results: Iterable[tuple[Sample, SampleResult]],
    summary: Summary,
    writers: list[ReportWriter],
    err: Console,
    *,
    quiet: bool,
    to_stdout: bool,
) -> None:
    """Verify every sample, feeding the summary and the writers, with a progress bar."""
    from verifier import result_line

    started = last = time.perf_counter()
    stdout = sys.stdout.buffer if to_stdout else None
    with Progress(
        SpinnerColumn(),
        TextColumn("verifying"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} samples · {task.fields[rate]}/s"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("verify", total=None, rate="0")
        for sample, result in results:
            summary.add(result, sample)
            for w in writers:
                w.add(sample, result)
            if stdout is not None:
                stdout.write(result_line(result))
            now = time.perf_counter()
            if now - last > 0.1:
                last = now
                rate = summary.total / max(now - started, 1e-9)
                progress.update(task, completed=summary.total, rate=f"{rate:,.0f}")
