"""``--engine``, ``--address`` and ``--shard-size``: the options of every sharded command
(``verify``, ``synth dialogs``, ``bfcl check``), declared once."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from toolproof.engines import Engine

#: ``verify``: records per shard. A Ray node takes its next task only once the last one
#: is done, then fetches its records: 20-80 ms idle per task on a loaded 2-core machine
#: (``bench_ray``), 17 % of the time with shards of 256 (~0.3 s of rules + exec on one
#: CPU), ~5 % with 1024; a lost shard costs its node about a second of work again.
RECORDS_PER_SHARD = 1024
#: ``synth dialogs``: attempts per shard, the window a one-machine run verifies at once.
ATTEMPTS_PER_SHARD = 64
#: ``bfcl check``: entries per shard; a multi-turn entry runs for ~0.1 s in the sandbox.
ENTRIES_PER_SHARD = 100

ENGINE_OPTION: str = typer.Option(
    "local",
    "--engine",
    help="where the work runs: local (this process) or ray (a Ray cluster; needs "
    "pip install 'toolproof[ray]')",
    metavar="ENGINE",
)
ADDRESS_OPTION: str | None = typer.Option(
    None,
    "--address",
    help="the Ray cluster to join: HOST:PORT of its head, or ray://HOST:PORT (default: "
    "TOOLPROOF_RAY_ADDRESS, else Ray's own: RAY_ADDRESS, the cluster `ray start` began on "
    "this machine, or a new one here)",
    metavar="ADDR",
)


def shard_option(default: int, what: str) -> int:
    """``--shard-size``: how much of the job one task takes."""
    option: int = typer.Option(
        default, "--shard-size", min=1, help=f"{what} per task of the ray engine", metavar="N"
    )
    return option


def engine(stack: ExitStack, name: str, address: str | None) -> Engine:
    """The engine ``name``, started; ``stack`` stops it. An ``--address`` of nothing
    falls back on ``TOOLPROOF_RAY_ADDRESS`` for the ray engine."""
    from toolproof.engines import EngineOptions, open_engine
    from toolproof.settings import get_settings

    settings = get_settings()
    options = EngineOptions.of(settings, address) if name == "ray" else EngineOptions(address)
    started = open_engine(name, options)
    stack.callback(started.close)
    return started
