"""``toolproof synth pool|dialogs|select``: the ToolACE-style synthesis pipeline.

``pool`` grows an API pool from seed tool files (default: the bundled catalogue of real
specs); ``dialogs`` plays out dialogs over it with executed mocks as the tool agent and
writes only those that pass verification by all layers; ``select`` keeps dialogs by
complexity for a target model. Both append to their output and resume where a previous run stopped.
Exit codes: 0 the target was reached, 1 the generator stopped short of it, 2 usage or
input error.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from toolproof._cli.engine import (
    ADDRESS_OPTION,
    ATTEMPTS_PER_SHARD,
    ENGINE_OPTION,
    engine as open_engine,
    shard_option,
)
from toolspec.errors import ConfigError, ToolproofError

if TYPE_CHECKING:  # the pipeline loads when a command runs, not for `--help`
    from synth import DialogStats, PoolStats
    from toolspec import ToolSpec

app = typer.Typer(
    help="Synthesise verified function-calling data: an API pool, then dialogs.",
    no_args_is_help=True,
)
err = Console(stderr=True)


def _progress(label: str, quiet: bool) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(bar_width=None),
        TextColumn("{task.completed}/{task.total} · {task.fields[extra]}"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )


def _counts(console: Console, title: str, counts: dict[str, int]) -> None:
    """One line: ``title: a 12 · b 3`` (most frequent first)."""
    if not counts:
        return
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    console.print(f"  {title}: " + " · ".join(f"{k} {v}" for k, v in ranked), highlight=False)


@app.command("pool")
def pool_command(
    seeds: list[Path] | None = typer.Option(
        None,
        "--seeds",
        help="seed tool files in any dialect (BFCL docs, OpenAI tools, ToolACE specs): "
        "--seeds A B, or --seeds A --seeds B; default: the bundled catalogue of real specs "
        "(BFCL, Glaive, ToolACE)",
        metavar="FILE...",
    ),
    more_seeds: list[Path] | None = typer.Argument(
        None,
        hidden=True,
        metavar="FILE",  # the B of `--seeds A B`, documented there
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="pool file (JSONL), appended to", metavar="FILE"
    ),
    target: int = typer.Option(
        ..., "--target", min=1, help="tools the pool should hold", metavar="N"
    ),
    llm: str = typer.Option(
        "offline", "--llm", help="'offline' or an OpenAI-compatible URL", metavar="LLM"
    ),
    model: str | None = typer.Option(
        None, "--model", help="model name (default: judge model)", metavar="NAME"
    ),
    seed: int = typer.Option(0, "--seed", help="randomness seed", metavar="N"),
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        min=1,
        help="requests in flight (default: 1 offline, 8 LLM)",
        metavar="N",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar, no summary"),
) -> None:
    """Grow an API pool: seeds, then speciation, adaptation and evolution, each tool
    checked by the rule layer, deduplicated and compiled to a mock before it joins."""
    from mock_apis import MockRunner
    from synth import MockToolAgent, PoolBuilder, make_proposer, spec_check
    from toolproof.compose import attempt_concurrency, chat_model
    from toolproof.settings import get_settings

    console = Console()
    started = time.perf_counter()
    with ExitStack() as stack:
        try:
            kind, chat = chat_model(llm, model, concurrency, settings=get_settings(), stack=stack)
            specs, seed_errors = _seeds([*(seeds or []), *(more_seeds or [])])
            # Pool tools are compiled from specs: the in-process backend runs them.
            agent = MockToolAgent(stack.enter_context(MockRunner("inprocess")))
            builder = PoolBuilder(
                make_proposer(kind, model=chat),
                spec_check=spec_check,
                compile_check=agent.compile_check,
                seed=seed,
                concurrency=attempt_concurrency(concurrency, chat),
            )
            for problem in seed_errors:
                builder.stats.reject("seed_import", problem)
            with _progress("pool", quiet) as bar:
                task = bar.add_task("pool", total=target, extra="tools")

                def tick(size: int, goal: int) -> None:
                    bar.update(task, completed=size, extra=f"round {builder.stats.rounds}")

                stats = builder.build(specs, out, target, tick)
        except ToolproofError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
    if not quiet:
        _pool_summary(console, stats, time.perf_counter() - started, out)
    if stats.stalled:
        err.print(f"[yellow]stopped short:[/] {stats.size} of {target} tools (no new ones)")
        raise typer.Exit(1)


def _seeds(files: list[Path]) -> tuple[list[tuple[ToolSpec, str]], list[str]]:
    """The seed files' tools (or the bundled catalogue when no file is given), and one
    message per seed tool that does not import: it costs only itself and is counted. A
    file that cannot be read at all stops the run (the user named it)."""
    from synth import seed_catalogue
    from toolspec import read_tools_file

    if not files:
        return list(seed_catalogue()), []
    specs: list[tuple[ToolSpec, str]] = []
    errors: list[str] = []
    for file in files:
        found, failed = read_tools_file(file)
        specs += [(s, file.name) for s in found]
        errors += failed
    return specs, errors


def _pool_summary(console: Console, stats: PoolStats, elapsed: float, out: Path) -> None:
    added = sum(stats.accepted.values())
    tried = added + sum(stats.rejected.values())
    console.print(
        f"[bold]{stats.size}[/] tools in {out} ({stats.resumed} resumed, {added} added in "
        f"{stats.rounds} rounds, {elapsed:.1f}s) · acceptance {added / max(tried, 1):.1%}"
    )
    _counts(console, "added by origin", dict(stats.accepted))
    _counts(console, "rejected by reason", dict(stats.rejected))
    for reason, example in stats.examples.items():
        console.print(f"    e.g. {reason}: {example}", highlight=False)
    leaves = sum(len(v) for v in stats.tree.values())
    used = len({d for d in stats.labels if d.split("/")[0] in stats.tree})
    console.print(
        f"  domain tree: {len(stats.tree)} domains, {leaves} sub-domains ({used} holding tools)",
        highlight=False,
    )
    _counts(console, "domains", dict(stats.domains))
    _counts(console, "parameter types", dict(stats.param_types))


@app.command("dialogs")
def dialogs_command(
    pool: Path = typer.Option(
        ..., "--pool", help="pool file written by `synth pool`", metavar="FILE"
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="dialogs file (JSONL), appended to", metavar="FILE"
    ),
    n: int = typer.Option(
        ..., "--n", min=1, help="verified dialogs the file should hold", metavar="N"
    ),
    format: str = typer.Option(
        "openai", "--format", "-f", help="openai or toolace", metavar="FORMAT"
    ),
    llm: str = typer.Option(
        "offline", "--llm", help="'offline' or an OpenAI-compatible URL", metavar="LLM"
    ),
    model: str | None = typer.Option(
        None, "--model", help="model name (default: judge model)", metavar="NAME"
    ),
    sandbox: str = typer.Option(
        "process",
        "--sandbox",
        help="backend of the mocks: process (default), docker, or inprocess (no isolation; "
        "for trusted specs only)",
        metavar="BACKEND",
    ),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="judge of the verification: offline (default) or a URL",
        metavar="JUDGE",
    ),
    mix: str | None = typer.Option(
        None,
        "--mix",
        help="weights of the dialog patterns single, parallel, dependent and clarify, "
        "e.g. single=3,parallel=2",
        metavar="WEIGHTS",
    ),
    seed: int = typer.Option(0, "--seed", help="randomness seed", metavar="N"),
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        min=1,
        help="requests in flight (default: 1 offline, 8 LLM)",
        metavar="N",
    ),
    engine: str = ENGINE_OPTION,
    address: str | None = ADDRESS_OPTION,
    shard_size: int = shard_option(ATTEMPTS_PER_SHARD, "attempts"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar, no summary"),
) -> None:
    """Generate dialogs over a pool (user, assistant and executed-mock tool agents) and
    write those that pass verification by every layer.

    Attempts are played in ranges of ``--shard-size`` on the engine (this process, or
    the nodes of a Ray cluster) and written in attempt order: the same seed writes the
    same file on either."""
    from synth import read_pool
    from toolproof.compose import DialogOptions
    from toolproof.engines import DialogWork, write_dialogs
    from toolproof.settings import get_settings

    console = Console()
    started = time.perf_counter()
    options = DialogOptions(llm, model, sandbox, judge, format, mix, seed, concurrency)
    with ExitStack() as stack:
        try:
            settings = get_settings()
            read_pool(pool)  # a pool that does not read stops here, before any attempt
            work = DialogWork(pool.read_bytes(), options, settings)
            started_engine = open_engine(stack, engine, address)
            with _progress("dialogs", quiet) as bar:
                task = bar.add_task("dialogs", total=n, extra="")

                def tick(written: int, goal: int, attempts: int) -> None:
                    bar.update(task, completed=written, extra=f"{attempts} attempts")

                stats = write_dialogs(
                    started_engine, work, out, n, shard_size=shard_size, progress=tick
                )
        except ToolproofError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
    if not quiet:
        _dialog_summary(console, stats, time.perf_counter() - started, out)
    if stats.stalled:
        err.print(f"[yellow]stopped short:[/] {stats.written} of {n} dialogs passed")
        raise typer.Exit(1)


def _dialog_summary(console: Console, stats: DialogStats, elapsed: float, out: Path) -> None:
    made = stats.written - stats.resumed
    console.print(
        f"[bold]{stats.written}[/] verified dialogs in {out} ({stats.resumed} resumed, "
        f"{made} new from {stats.attempts} attempts, {elapsed:.1f}s, "
        f"{made / max(elapsed, 1e-9):,.1f}/s) · pass rate {stats.pass_rate:.1%} "
        f"of {stats.verified} verified"
    )
    _counts(console, "call patterns", dict(stats.patterns))
    _counts(console, "domains", dict(stats.domains))
    _counts(console, "parameter types (argument values)", dict(stats.param_types))
    _counts(console, "failed verification (error codes)", dict(stats.failed_codes))
    _counts(console, "failed generation (reasons)", dict(stats.failed_generation))


#: Dialogs scored per request batch (each is one completions request).
SCORE_BATCH = 64


@app.command("select")
def select_command(
    data: Path = typer.Argument(
        ..., help="dialogs written by `synth dialogs` (JSONL)", metavar="DATA"
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="kept dialogs (JSONL), overwritten", metavar="FILE"
    ),
    scorer: str | None = typer.Option(
        None,
        "--scorer",
        help="OpenAI-compatible completions endpoint returning prompt log-probabilities "
        "(vLLM); default: the offline proxy",
        metavar="URL",
    ),
    model: str | None = typer.Option(
        None, "--model", help="target model to score with", metavar="NAME"
    ),
    keep_between: tuple[float, float] = typer.Option(
        (0.1, 0.9),
        "--keep-between",
        help="keep scores between these two quantiles",
        metavar="LOW HIGH",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no summary"),
) -> None:
    """Keep dialogs by complexity (ToolACE's complexity evaluator): the target model's
    mean token loss on the assistant turns, kept between two quantiles."""
    import orjson

    from synth import PROXY, proxy, select

    console = Console()
    try:
        records = [orjson.loads(x) for x in data.read_bytes().splitlines() if x.strip()]
    except (OSError, orjson.JSONDecodeError) as exc:
        err.print(f"[red]error:[/] cannot read {data}: {exc}")
        raise typer.Exit(2) from None
    try:
        if scorer is None:
            method, scores = PROXY, [proxy(r) for r in records]
        else:
            method, scores = _model_losses(scorer, model, records)
        chosen = select(scores, method, *keep_between)
    except ToolproofError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    lines = []
    for record, score, keep in zip(records, scores, chosen.keep, strict=True):
        if keep:
            meta = record.setdefault("meta", {}) if isinstance(record, dict) else {}
            meta["complexity"] = {"score": score, "method": method}
            lines.append(orjson.dumps(record) + b"\n")
    out.write_bytes(b"".join(lines))
    if quiet:
        return
    console.print(
        f"[bold]{len(lines)}[/] of {len(records)} dialogs kept in {out} · score: {method} · "
        f"kept between {chosen.low:.4g} (q{keep_between[0]:g}) and {chosen.high:.4g} "
        f"(q{keep_between[1]:g})",
        highlight=False,
    )
    summary = " · ".join(f"{k} {v:.4g}" for k, v in chosen.summary().items())
    console.print(f"  score distribution: {summary}", highlight=False)
    bins = chosen.histogram()
    top = max((c for _, _, c in bins), default=1) or 1
    for lo, hi, count in bins:
        bar = "#" * round(30 * count / top)
        console.print(f"    {lo:8.4g} – {hi:<8.4g} {bar} {count}", highlight=False)


def _model_losses(
    scorer: str, model: str | None, records: list[dict[str, Any]]
) -> tuple[str, list[float]]:
    """Mean assistant-token loss of each record from the scorer endpoint."""
    from synth import LogprobScorer, loss, render
    from toolproof.settings import get_settings

    if not scorer.startswith(("http://", "https://")):
        raise ConfigError(f"--scorer takes an http(s) URL; got {scorer!r}")
    settings = get_settings()
    name = model or settings.judge_model
    client = LogprobScorer(scorer, name, api_key=settings.secret_judge_key)
    try:
        scores: list[float] = []
        for start in range(0, len(records), SCORE_BATCH):
            batch = [render(r) for r in records[start : start + SCORE_BATCH]]
            answers = client.responses([b.text for b in batch])
            scores += [loss(b, a) for b, a in zip(batch, answers, strict=True)]
    finally:
        client.close()
    return f"mean assistant-token loss of {name} at {scorer}", scores
