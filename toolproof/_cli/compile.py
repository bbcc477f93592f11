"""``toolproof compile TOOLS.json --out DIR``: write a toolset's mock bundle for inspection.

TOOLS.json is in any dialect the importers read. The bundle directory holds the generated
module, ``manifest.json`` (tools, inferred operations and entities, response schemas,
errors) and a copy of the stdlib-only ``tpmock_*`` runtime, so that plain ``python3`` can
import the module there and call its ``tool_*`` entries (unsandboxed: for inspection).
Exit 0 when the bundle was written (tools that could not compile are listed, and with
``--strict`` they make it exit 1); 2 when the input cannot be read or nothing compiles.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from toolspec.errors import ToolproofError

TOOLS_HELP = "tools file: OpenAI tools or functions, BFCL function docs, JSON Schema dialects"

if TYPE_CHECKING:  # the compiler loads when a command runs, not for `--help`
    from mock_apis import MockBundle, ToolError

err = Console(stderr=True)
out = Console()


def fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def load_impl(impl: Path | None) -> str | None:
    if impl is None:
        return None
    try:
        return impl.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {impl}: {exc}") from None


def build(tools: Path, impl: Path | None, seed: int, cache_dir: Path | None) -> MockBundle:
    """Read, compile and report; raises ``typer.Exit(2)`` on unusable input."""
    from mock_apis import compile_toolset, read_tools

    source = load_impl(impl)
    try:
        specs, import_errors = read_tools(tools)
        bundle = compile_toolset(specs, impl_source=source, seed=seed, cache_dir=cache_dir)
    except ToolproofError as exc:
        raise fail(exc.message) from None
    report_errors([*import_errors, *bundle.errors])
    if not bundle.manifest.tools:
        raise fail(f"{tools}: no tool compiled")
    return bundle


def try_it(bundle: MockBundle, out_dir: Path) -> str | None:
    """A shell command that calls the first tool admitting a valid call with example
    arguments from its schema; None when no tool admits one."""
    from mock_apis import example_arguments

    for tool in bundle.manifest.tools:
        args = example_arguments(tool)
        if args is not None:
            code = f"import {bundle.manifest.module} as b; print(b.{tool.entry}(**{_py(args)}))"
            return f"cd {shlex.quote(str(out_dir))} && python3 -c {shlex.quote(code)}"
    return None


def _py(value: object) -> str:
    """A Python literal with double-quoted strings, so the shell's single quotes hold it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(k)}: {_py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a Python string literal too
    return repr(value)  # None, bools and numbers


def report_errors(errors: list[ToolError]) -> None:
    if not errors:
        return
    table = Table(title=f"{len(errors)} tool(s) not compiled as written", title_justify="left")
    for column in ("tool", "code", "reason"):
        table.add_column(column)
    for e in errors:
        table.add_row(e.tool, e.code, e.message)
    err.print(table)


def compile_command(
    tools: Path = typer.Argument(..., help=TOOLS_HELP, metavar="TOOLS"),
    out_dir: Path = typer.Option(
        ..., "--out", help="directory to write the bundle into", metavar="DIR"
    ),
    impl: Path | None = typer.Option(
        None, "--impl", help="Python file of implementations", metavar="FILE"
    ),
    seed: int = typer.Option(0, "--seed", help="seed of the generated values", metavar="N"),
    strict: bool = typer.Option(False, "--strict", help="exit 1 if any tool did not compile"),
) -> None:
    """Compile TOOLS.json into a mock bundle in DIR (generated module + manifest.json)."""
    from mock_apis import runtime_modules

    bundle = build(tools, impl, seed, None)
    bundle.write(out_dir)
    for name, source in runtime_modules().items():  # so the directory runs on its own
        (out_dir / f"{name}.py").write_text(source, encoding="utf-8")
    m = bundle.manifest
    stateful = ", ".join(f"{e} ({len(x.tools)} tools)" for e, x in m.entities.items()) or "none"
    out.print(f"bundle {m.sha256[:12]}: {len(m.tools)} tool(s) → {out_dir}", highlight=False)
    out.print(f"stateful entities: {stateful}", highlight=False)
    noted = [t for t in m.tools if t.notes]
    if noted:
        out.print(f"{len(noted)} tool(s) compiled with notes (e.g. {noted[0].name!r}: "
                  f"{noted[0].notes[0]}); all are in manifest.json", highlight=False)  # fmt: skip
    hint = try_it(bundle, out_dir)
    if hint is not None:
        out.print(f"try it: {hint}", highlight=False, soft_wrap=True)  # one line to copy
    if strict and bundle.errors:
        raise typer.Exit(1)
