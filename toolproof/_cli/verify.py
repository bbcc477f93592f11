"""``toolproof verify``: read a dataset, verify every record, write results and reports.

Exit codes (DESIGN.md): 0 verified (and the gate, if any, passed), 1 the pass rate is
below ``--fail-under``, 2 usage or input error. Results stream: each record's line is
written as soon as it is verified, in input order.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from synth.errors import ToolproofError
from toolproof._cli.summary import print_summary
from verifier import (
    Pipeline,
    ReportWriter,
    Summary,
    open_report,
    parse_layers,
    read_dataset,
    result_line,
)

FORMATS = "auto|toolace|openai|sharegpt|hermes|glaive|xlam|bfcl"


def _gate_rate(value: float | None) -> float | None:
    """``--fail-under`` accepts a share (0.95) or a percentage (95)."""
    if value is None:
        return None
    if value < 0 or value > 100:
        raise ToolproofError(f"--fail-under must be a rate in 0..1 or a percentage; got {value}")
    return value / 100 if value > 1 else value


def verify(
    dataset: Path = typer.Argument(
        ..., help="dataset file: a JSON array, JSONL, or gzip of either", show_default=False
    ),
    format: str = typer.Option("auto", "--format", "-f", help=f"dataset format: {FORMATS}"),
    layers: str = typer.Option(
        "rules", "--layers", help="comma-separated layers to run: rules,exec,judge"
    ),
    sandbox: str = typer.Option(
        "process", "--sandbox", help="sandbox backend for the exec layer: process|docker"
    ),
    judge: str = typer.Option(
        "offline", "--judge", help="judge for the judge layer: 'offline' or an endpoint URL"
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="write one result line per record (JSONL); '-' for stdout"
    ),
    report: Path | None = typer.Option(None, "--report", help="write a self-contained HTML report"),
    junit: Path | None = typer.Option(
        None, "--junit", help="write JUnit XML (one case per sample)"
    ),
    fail_under: float | None = typer.Option(
        None,
        "--fail-under",
        help="exit 1 when the pass rate is below RATE (0..1, or a percentage such as 95)",
        metavar="RATE",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar, no summary"),
) -> None:
    """Verify every record of a function-calling dataset and print a summary.

    One result per input record, in input order (unreadable records included). The
    rule layer checks specs, calls, dialog structure and consistency.
    """
    err = Console(stderr=True)
    to_stdout = out is not None and str(out) == "-"
    console = err if to_stdout else Console()
    try:
        gate = _gate_rate(fail_under)
        chosen = parse_layers(layers)
        del sandbox, judge  # consumed by the exec and judge layers when they are enabled
        pipeline = Pipeline(chosen)
        data = read_dataset(dataset, format)
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
    summary = Summary(format=data.format)
    started = time.perf_counter()
    try:
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
            stdout = sys.stdout.buffer if to_stdout else None
            for sample, result in pipeline.run(data):
                summary.add(result)
                for w in writers:
                    w.add(sample, result)
                if stdout is not None:
                    stdout.write(result_line(result))
                if summary.total % 256 == 0:
                    rate = summary.total / max(time.perf_counter() - started, 1e-9)
                    progress.update(task, completed=summary.total, rate=f"{rate:,.0f}")
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
    if gate is not None and summary.pass_rate < gate:
        err.print(f"[red]gate failed:[/] pass rate {summary.pass_rate:.2%} is below {gate:.2%}")
        raise typer.Exit(1)
