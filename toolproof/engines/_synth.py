"""``toolproof synth dialogs`` on an engine: attempt numbers, played and verified where
the engine runs them (``ray``: ranges of ``shard_size``), written here in attempt order.

An attempt's randomness comes from ``(seed, attempt number)`` alone, so a range of
attempts played on any node is what one machine would have played. Each node opens the
work once (:class:`DialogWork`: the pool's toolsets, the executed-mock tool agent, the
verify pipeline) and plays and verifies every range it is given
(:meth:`synth.DialogGenerator.verified`). The driver asks for ranges ahead of need and
hands the attempts, in order, to the same :class:`synth.DialogWriter` a one-machine run
uses: it drops repeats, counts, writes the passing dialogs and resumes a partial file,
so the output and the counts are those of a local run with the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from toolproof.engines._base import Engine, batched
from toolproof.settings import Settings

if TYPE_CHECKING:
    from synth import Attempt, DialogStats
    from toolproof.compose import DialogOptions

#: What the writer reports after each window: (written, target, attempts).
Progress = Callable[[int, int, int], None]


@dataclass(frozen=True, slots=True)
class DialogWork:
    """Play and verify ranges of attempts over a pool: ``pool`` is the pool file's
    content (it travels with every range; bytes cost nothing to decode, entries would)."""

    pool: bytes
    options: DialogOptions
    settings: Settings

    def open(self, cpus: int | None = None) -> DialogRunner:
        return DialogRunner(self, cpus)


class DialogRunner:
    """A node's dialog generator, built once and given range after range."""

    def __init__(self, work: DialogWork, cpus: int | None = None) -> None:
        from synth import parse_pool
        from toolproof.compose import dialog_generator

        self._stack = ExitStack()
        try:
            pool = parse_pool(work.pool)
            self._generator = dialog_generator(
                self._stack, pool, work.options, work.settings, exec_workers=cpus
            )
        except BaseException:
            self._stack.close()
            raise

    def __call__(self, attempts: Iterable[int]) -> Iterator[Attempt]:
        # played and verified a window at a time, as the writer of one machine would
        for window in batched(attempts, self._generator.window):
            yield from self._generator.verified(window)

    def close(self) -> None:
        self._stack.close()


class AttemptFeed:
    """The writer's source of attempts: every attempt from the first one asked for on,
    computed on ``engine`` (ahead of need, in shards of ``size``) and taken in order."""

    def __init__(self, engine: Engine, work: DialogWork, size: int) -> None:
        self._engine, self._work, self._size = engine, work, size
        self._attempts: Iterator[Attempt] | None = None
        self._next = 0

    def __call__(self, attempts: range) -> list[Attempt]:
        if self._attempts is None:
            numbers = self._engine.shards(count(attempts.start), self._size)
            self._attempts = self._engine.map(self._work, numbers)
            self._next = attempts.start
        if attempts.start != self._next:
            raise ValueError(f"attempts are taken in order: {self._next} next, not {attempts}")
        self._next = attempts.stop
        return [next(self._attempts) for _ in attempts]

    def close(self) -> None:
        close = getattr(self._attempts, "close", None)
        if close is not None:
            close()  # the shards still in flight are not needed


def write_dialogs(
    engine: Engine,
    work: DialogWork,
    out: Path,
    n: int,
    *,
    shard_size: int,
    progress: Progress | None = None,
) -> DialogStats:
    """Append verified dialogs to ``out`` until it holds ``n``, played on ``engine``."""
    from synth import DialogWriter

    feed = AttemptFeed(engine, work, shard_size)
    try:
        return DialogWriter(None, work.options.format).run(out, n, feed, progress)
    finally:
        feed.close()
