"""``toolproof bfcl``: score BFCL result files as BFCL does, and run a model to get them.

``check`` writes one verdict per id (``{"id", "valid", "error_type", "error"}``) and prints
the accuracy per category and BFCL's group scores; ``run`` queries an OpenAI-compatible
endpoint, appends to a resumable BFCL result file, then checks it. Exit codes: 0 done,
1 no result line was scored against an entry (an accuracy of nothing must not pass CI),
2 usage or input error (unknown category, unreadable data or results).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress

from toolproof._cli.bfcl_score import (
    EngineChoice,
    default_backends,
    fail,
    sandbox_options,
    score_and_report,
)
from toolproof._cli.engine import ADDRESS_OPTION, ENGINE_OPTION, ENTRIES_PER_SHARD, shard_option
from toolspec.errors import ToolproofError

app = typer.Typer(
    help="BFCL-compatible evaluation: score result files, run a model.",
    no_args_is_help=True,
)
_err = Console(stderr=True)
_out = Console()

_CATEGORY_HELP = (
    "a BFCL v4 category (simple_python, live_multiple, multi_turn_base, ...), 'all' (the "
    "single-turn ones) or 'multi_turn' (the four multi-turn ones, run on BFCL's backends)"
)
SANDBOX_OPTION: str = typer.Option(
    "process", "--sandbox", help="multi-turn backends run in: process or docker", metavar="BACKEND"
)

backends_app = typer.Typer(help="BFCL's stateful multi-turn backends.", no_args_is_help=True)
app.add_typer(backends_app, name="backends")


@app.command()
def check(
    category: str = typer.Option(..., "--category", help=_CATEGORY_HELP, metavar="CATEGORY"),
    results: Path = typer.Option(
        ..., "--results", help="BFCL result file (JSONL) or directory", metavar="PATH"
    ),
    data: Path | None = typer.Option(
        None,
        "--data",
        help="BFCL data directory (default: the copy toolproof ships)",
        metavar="DIR",
    ),
    out: Path = typer.Option(..., "--out", help="verdicts JSONL to write", metavar="FILE"),
    summary: Path | None = typer.Option(
        None,
        "--summary",
        help="summary JSON to write (default: OUT's name + .summary.json)",
        metavar="FILE",
    ),
    underscore_to_dot: bool = typer.Option(
        False,
        "--underscore-to-dot",
        help="compare a called name written with underscores to BFCL's dotted function names "
        "(math_factorial matches math.factorial), for models whose API forbids dots in names",
    ),
    partial: bool = typer.Option(
        False, "--partial", help="score only the ids present (else a missing id is wrong)"
    ),
    backends: Path | None = typer.Option(
        None,
        "--backends",
        help="multi-turn backends: a directory `bfcl backends fetch` made (default: the one "
        "in TOOLPROOF_HOME) or of modules written the same way (needs --trusted)",
        metavar="DIR",
    ),
    trusted: bool = typer.Option(
        False,
        "--trusted",
        help="run backends that are not BFCL's pinned release without RestrictedPython "
        "(still in the sandbox)",
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, help="multi-turn entries checked at once", metavar="N"
    ),
    sandbox: str = SANDBOX_OPTION,
    engine: str = ENGINE_OPTION,
    address: str | None = ADDRESS_OPTION,
    shard_size: int = shard_option(ENTRIES_PER_SHARD, "entries of one category"),
) -> None:
    """Score a BFCL result file against BFCL's possible answers, exactly as BFCL does.

    Multi-turn categories execute the model's and the ground truth's calls turn by turn
    on BFCL's stateful backends in the sandbox (process or docker) and compare states and
    results as BFCL's multi-turn checker does. Entries are scored in chunks of one
    category on the engine (this process, or the nodes of a Ray cluster).
    """
    score_and_report(
        category, results, data, out, summary, underscore_to_dot, partial, None,
        backends, trusted, workers, sandbox, EngineChoice(engine, address, shard_size),
    )  # fmt: skip


@backends_app.command("fetch")
def backends_fetch() -> None:
    """Download BFCL's pinned release (pip, --no-deps) and extract its backends.

    The ``bfcl-eval`` wheel and ``mpmath`` (the math backend's one dependency) are checked
    against pinned sha256 sums and extracted under TOOLPROOF_HOME; nothing is installed
    and BFCL's code never runs in this process.
    """
    from verifier.bfcl import BFCL_EVAL_VERSION, fetch_backends

    home = default_backends().parents[1]
    try:
        with _err.status(f"fetching bfcl-eval {BFCL_EVAL_VERSION} with pip"):
            target = fetch_backends(home)
    except ToolproofError as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"cannot write under {home}: {exc.strerror}") from None
    _out.print(f"BFCL {BFCL_EVAL_VERSION} backends: {target}", highlight=False)


@app.command()
def run(
    base_url: str = typer.Option(
        ...,
        "--base-url",
        help="OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1",
        metavar="URL",
    ),
    model: str = typer.Option(
        ..., "--model", help="model name sent with each request", metavar="NAME"
    ),
    category: str = typer.Option(..., "--category", help=_CATEGORY_HELP, metavar="CATEGORY"),
    mode: str = typer.Option(
        "fc",
        "--mode",
        help="fc: function calling with tools; prompt: BFCL's system prompt",
        metavar="MODE",
    ),
    out: Path = typer.Option(
        ..., "--out", help="BFCL result file (JSONL) to append to", metavar="FILE"
    ),
    data: Path | None = typer.Option(None, "--data", help="BFCL data directory", metavar="DIR"),
    verdicts: Path | None = typer.Option(
        None,
        "--verdicts",
        help="verdicts JSONL (default: OUT's name + .verdicts.jsonl)",
        metavar="FILE",
    ),
    concurrency: int = typer.Option(
        8, "--concurrency", min=1, help="requests in flight", metavar="N"
    ),
    retries: int = typer.Option(
        4, "--retries", min=0, help="retries on 429/5xx/timeouts", metavar="N"
    ),
    timeout: float = typer.Option(
        120.0, "--timeout", help="seconds per request", metavar="SECONDS"
    ),
    backoff: float = typer.Option(
        1.0,
        "--backoff",
        min=0.0,
        help="seconds before the first retry (doubles each time)",
        metavar="SECONDS",
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        min=1,
        help="only the first N entries of each category (scored alone)",
        metavar="N",
    ),
    api_key: str | None = typer.Option(
        None,
        "--api-key",
        envvar="TOOLPROOF_BFCL_API_KEY",
        help="bearer token, if any",
        metavar="KEY",
    ),
    backends: Path | None = typer.Option(
        None, "--backends", help="multi-turn backends (as for check)", metavar="DIR"
    ),
    trusted: bool = typer.Option(
        False, "--trusted", help="run backends that are not BFCL's release unrestricted"
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, help="multi-turn sandbox sessions", metavar="N"
    ),
    sandbox: str = SANDBOX_OPTION,
) -> None:
    """Run a model on BFCL entries (resumable), then score its results as BFCL does.

    Exit 0 when every entry was answered, 1 when some could not be (they are retried by
    the next run on the same OUT), 2 on usage or input errors.
    """
    # the data, the checker and the client load only for this command
    import asyncio

    from verifier.bfcl import (
        DEFAULT_DATA_DIR,
        RunSettings,
        load_entries,
        load_multi_turn,
        resolve_categories,
        run_model,
    )

    if mode not in ("fc", "prompt"):
        raise fail(f"unknown mode {mode!r}; known: fc, prompt")
    try:
        chosen = resolve_categories(category)
        multi_turn = chosen[0].kind == "multi_turn"  # groups never mix the two
        load: Any = load_multi_turn if multi_turn else load_entries
        work = [(c, e) for c in chosen for e in load(data or DEFAULT_DATA_DIR, c)[: limit or None]]
    except ToolproofError as exc:
        raise fail(exc.message) from None
    settings = RunSettings(
        base_url=base_url,
        model=model,
        mode="fc" if mode == "fc" else "prompt",
        api_key=api_key,
        concurrency=concurrency,
        retries=retries,
        backoff_s=backoff,
        timeout_s=timeout,
    )
    try:
        with Progress(console=_err, transient=True) as progress:
            task = progress.add_task("querying the model", total=len(work))

            def advance() -> None:
                progress.advance(task)

            if multi_turn:
                found = backends or default_backends()
                entries = [e for _, e in work]
                stats = _run_multi_turn(
                    settings, entries, out, found, trusted, workers, sandbox, advance
                )
            else:
                stats = asyncio.run(run_model(settings, work, out, on_done=advance))
    except ToolproofError as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"cannot write {exc.filename or out}: {exc.strerror}") from None
    _out.print(
        f"answered {stats.answered}, already done {stats.skipped}, failed {len(stats.failed)}",
        highlight=False,
    )
    for entry_id, problem in list(stats.failed.items())[:10]:
        _err.print(f"  {entry_id}: {problem}", highlight=False)
    target = verdicts or out.with_name(out.stem + ".verdicts.jsonl")
    asked = {entry.id for _, entry in work} if limit is not None else None
    score_and_report(category, out, data, target, None, mode == "fc", False, asked, backends,
                     trusted, workers, sandbox)  # fmt: skip
    if stats.failed:
        raise typer.Exit(1)


def _run_multi_turn(
    settings: Any, entries: list[Any], out: Path, backends: Path, trusted: bool, workers: int,
    sandbox: str, advance: Any,
) -> Any:  # fmt: skip
    """Multi-turn entries: the model's calls run on the backends between its steps."""
    import asyncio

    from verifier.bfcl import MultiTurnRunner, load_backends, run_multi_turn

    runner = MultiTurnRunner(load_backends(backends), workers=workers, trusted=trusted,
                             backend=sandbox, options=sandbox_options(sandbox))  # fmt: skip
    with runner:
        return asyncio.run(run_multi_turn(settings, entries, out, runner, on_done=advance))
