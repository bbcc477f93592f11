"""The rich summary printed after a verification run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from verifier import Summary


def print_summary(console: Console, summary: Summary, elapsed_s: float) -> None:
    if summary.total == 0:  # no pass rate: 0 of 0 is not 100 %
        console.print(f"[bold]0[/] samples ({summary.format}) · [red]nothing was verified[/]")
        return
    rate = summary.total / elapsed_s if elapsed_s > 0 else 0.0
    colour = "green" if summary.failed == 0 else "yellow" if summary.pass_rate >= 0.5 else "red"
    console.print(
        f"[bold]{summary.total}[/] samples ({summary.format}) · "
        f"[green]{summary.passed} passed[/] · [red]{summary.failed} failed[/] · "
        f"pass rate [{colour}]{summary.pass_rate:.1%}[/] · {elapsed_s:.2f}s "
        f"({rate:,.0f} samples/s)"
    )
    if len(summary.layers) > 1:
        rates = " · ".join(f"{k} {v:.1%}" for k, v in summary.layer_pass_rates().items())
        console.print(f"pass rate by layer: {rates}")
    unjudged = summary.samples_by_code.get("judge.unavailable", 0)
    if unjudged:
        console.print(
            f"[yellow]the judge could not answer for {unjudged} of {summary.total} samples[/]"
            " (judge.unavailable): those samples were not judged"
        )
    if not summary.by_code:
        return
    table = Table(title="findings by code", title_justify="left", expand=False)
    table.add_column("code", style="bold", no_wrap=True)  # whole codes; the example narrows
    table.add_column("sev")
    table.add_column("findings", justify="right")
    table.add_column("samples", justify="right")
    table.add_column("example", overflow="fold", max_width=70)
    # a row per (code, severity): a code graded an error in some samples and a warning in
    # others shows both, each with its own counts and example
    for code, severity, n in summary.code_severities_by_frequency():
        ex = summary.severity_examples.get((code, severity))
        example = f"#{ex.index} {ex.message}" if ex else ""
        table.add_row(
            code,
            severity,
            str(n),
            str(summary.samples_by_code_severity[(code, severity)]),
            example,
        )
    console.print(table)
    if summary.by_tool:
        top = ", ".join(f"{name} {n}" for name, n in summary.by_tool.most_common(5))
        console.print(f"tools with the most findings: {top}")
