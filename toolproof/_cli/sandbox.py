"""``toolproof sandbox``: run one call in a sandbox, and report which backends work here.

``run`` prints the call's Outcome as JSON and exits 0 when the call succeeded, 1 when it
failed inside the sandbox (the Outcome says why), 2 on usage or input errors (unreadable
file, arguments that are not JSON, a backend that cannot start). ``doctor`` runs a smoke
call on every backend and prints what isolation each gives and what it lacks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sandbox import Bundle, Limits, create_sandbox
from toolspec.errors import ToolproofError

app = typer.Typer(help="Isolated execution: run code in a sandbox, check the backends.",
                  no_args_is_help=True)  # fmt: skip
_err = Console(stderr=True)
_out = Console()
BACKENDS = ("process", "docker")
SMOKE = "def add(a, b):\n    return a + b\n"


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


@app.command()
def run(
    code: Path = typer.Option(
        ..., "--code", help="Python file holding the entry point", metavar="FILE"
    ),
    entry: str = typer.Option(..., "--entry", help="name of the function to call", metavar="NAME"),
    args: str = typer.Option(
        "{}", "--args", help="JSON object passed as keyword arguments", metavar="JSON"
    ),
    backend: str = typer.Option("process", "--backend", help="docker or process", metavar="NAME"),
    timeout: float = typer.Option(
        Limits().wall_s, "--timeout", help="wall-clock seconds", metavar="SECONDS"
    ),
    no_restrict: bool = typer.Option(
        False, "--no-restrict", help="skip RestrictedPython: test the backend's isolation alone"
    ),
) -> None:
    """Call ENTRY of FILE.py with ARGS in a fresh sandbox and print the Outcome as JSON."""
    try:
        source = code.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {code}: {exc}") from None
    try:
        arguments: Any = json.loads(args)
    except ValueError as exc:
        raise _fail(f"--args is not JSON: {exc}") from None
    try:
        sandbox = create_sandbox(backend, restrict=not no_restrict, pool_size=0,
                                 **_options(backend))  # fmt: skip
    except ToolproofError as exc:
        raise _fail(exc.message) from None
    limits = Limits(wall_s=timeout) if timeout > 0 else Limits()
    module = code.stem if code.stem.isidentifier() else "main"
    try:
        with sandbox, sandbox.session(Bundle.from_source(source, module), limits) as session:
            outcome = session.call(entry, arguments, timeout)
    except ToolproofError as exc:
        raise _fail(exc.message) from None
    typer.echo(json.dumps(outcome.to_json(), default=repr))
    raise typer.Exit(0 if outcome.ok else 1)


def _options(backend: str) -> dict[str, Any]:
    from toolproof.compose import sandbox_options
    from toolproof.settings import get_settings

    return sandbox_options(get_settings(), backend)


def _check(name: str) -> dict[str, Any]:
    """Start ``name``, run a smoke call, and collect its isolation report."""
    try:
        with create_sandbox(name, pool_size=0, **_options(name)) as sandbox:
            iso = sandbox.isolation()
            with sandbox.session(Bundle.from_source(SMOKE)) as session:
                outcome = session.call("add", {"a": 1, "b": 2})
    except ToolproofError as exc:
        return {"backend": name, "works": False, "detail": exc.message, "warnings": []}
    works = outcome.ok and outcome.value == 3
    detail = iso.detail if works else f"smoke call failed: {outcome.error}"
    missing = [k for k, v in iso.protections.items() if not v]
    return {"backend": name, "works": works, "detail": detail, "missing": missing,
            "warnings": list(iso.warnings)}  # fmt: skip


@app.command()
def doctor(
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Report which sandbox backends work on this machine and what isolation each gives."""
    report = [_check(name) for name in BACKENDS]
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        table = Table("backend", "works", "isolation")
        for row in report:
            table.add_row(row["backend"], "yes" if row["works"] else "[red]no[/red]", row["detail"])
        _out.print(table)
        for row in report:
            for warning in row["warnings"]:
                _out.print(
                    f"[yellow]warning[/yellow] ({row['backend']}): {warning}", highlight=False
                )
            if row.get("missing"):
                _out.print(f"[yellow]warning[/yellow] ({row['backend']}): not in force: "
                           f"{', '.join(row['missing'])}", highlight=False)  # fmt: skip
    raise typer.Exit(0 if any(row["works"] for row in report) else 1)
