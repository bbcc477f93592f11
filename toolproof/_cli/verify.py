"""``toolproof verify``: read a dataset, verify every record, write results and reports."""

from __future__ import annotations

from pathlib import Path

import typer


def verify(
    dataset: Path = typer.Argument(..., help="dataset file: JSON, JSONL or gzip of either"),
) -> None:
    """Verify a function-calling dataset (bootstrap placeholder; the pipeline replaces it)."""
    raise typer.Exit(2)
