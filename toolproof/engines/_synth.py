"""``toolproof synth dialogs`` in shards: ranges of attempt numbers, played and verified
where the engine runs them, written here in attempt order.

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

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from toolproof.engines._base import Engine
from toolproof.settings import Settings

if TYPE_CHECKING:
    from synth import Attempt, DialogStats, PoolEntry
    from toolproof.compose import DialogOptions

#: What the writer reports after each window: (written, target, attempts).
Progress = Callable[[int, int, int], None]


@dataclass(frozen=True, slots=True)
class DialogWork:
    """Play and verify ranges of attempts over ``pool`` (shipped once to each node)."""

    pool: tuple[PoolEntry, ...]
    options: DialogOptions
    settings: Settings

    def open(self) -> DialogRunner:
        return DialogRunner(self)


class DialogRunner:
    """A node's dialog generator, built once and given range after range."""

    def __init__(self, work: DialogWork) -> None:
        from toolproof.compose import dialog_generator

        self._stack = ExitStack()
        try:
            self._generator = dialog_generator(self._stack, work.pool, work.options, work.settings)
        except BaseException:
            self._stack.close()
            raise

    def __call__(self, attempts: range) -> list[Attempt]:
        return self._generator.verified(attempts)

    def close(self) -> None:
        self._stack.close()


class AttemptFeed:
    """The writer's source of attempts: ranges of ``size`` computed on ``engine`` from
    the first attempt asked for on, taken in order as the writer asks for them."""

    def __init__(self, engine: Engine, work: DialogWork, size: int) -> None:
        self._engine, self._work, self._size = engine, work, size
        self._ranges: Iterator[list[Attempt]] | None = None
        self._ready: deque[Attempt] = deque()
        self._next = 0

    def __call__(self, attempts: range) -> list[Attempt]:
        if self._ranges is None:
            starts = count(attempts.start, self._size)
            shards = (range(start, start + self._size) for start in starts)
            self._ranges, self._next = self._engine.map(self._work, shards), attempts.start
        if attempts.start != self._next:
            raise ValueError(f"attempts are taken in order: {self._next} next, not {attempts}")
        while len(self._ready) < len(attempts):
            self._ready.extend(next(self._ranges))
        self._next = attempts.stop
        return [self._ready.popleft() for _ in attempts]

    def close(self) -> None:
        close = getattr(self._ranges, "close", None)
        if close is not None:
            close()  # the ranges still in flight are not needed


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
