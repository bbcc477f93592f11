"""The ``toolproof`` command line (typer + rich).

Each command group lives in its own module under ``toolproof._cli`` and is mounted here.
Exit codes (DESIGN.md): 0 pass, 1 gate failed, 2 usage or input error.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.main

from toolproof import __version__
from toolproof._cli import (
    bfcl as bfcl_cli,
    keys as keys_cli,
    mock as mock_cli,
    sandbox as sandbox_cli,
    synth as synth_cli,
)
from toolproof._cli.compile import compile_command
from toolproof._cli.serve import serve
from toolproof._cli.verify import verify
from toolspec.errors import ConfigError

app = typer.Typer(
    name="toolproof",
    help="Verify function-calling datasets: rules, executed mocks in sandboxes, a judge.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="print the version and exit",
        callback=_print_version,
        is_eager=True,  # answered while parsing, before a command is required
    ),
) -> None:
    """toolproof: make function-calling data trustworthy."""


app.command(name="verify")(verify)
app.command(name="compile")(compile_command)
app.command(name="serve")(serve)
# Command groups: one line each, `app.add_typer(<module>.app, name="<group>")`.
app.add_typer(bfcl_cli.app, name="bfcl")
app.add_typer(sandbox_cli.app, name="sandbox")
app.add_typer(mock_cli.app, name="mock")
app.add_typer(synth_cli.app, name="synth")
app.add_typer(keys_cli.app, name="keys")


def command() -> Any:  # a Click command (Typer vendors Click as a private module)
    """The command line as a Click command, its flags shown without a type.

    Typer (0.26.8 on) fills the second column of ``--help`` with each parameter's Python
    type; an option's ``metavar`` replaces it (every value option here sets one), but a
    flag, ``--help`` included, would read ``<bool>``: a flag takes no value, so it gets an
    empty metavar.
    """
    root = typer.main.get_command(app)
    _blank_flags(root)
    return root


def _blank_flags(cmd: Any) -> None:
    help_option = cmd.get_help_option(typer.Context(cmd))
    for param in [*cmd.params, *([help_option] if help_option else [])]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(cmd, "commands", {}).values():
        _blank_flags(sub)


def main() -> None:
    try:
        command()(prog_name="toolproof")
    except ConfigError as exc:  # settings read outside a command's own error handling
        typer.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from None
