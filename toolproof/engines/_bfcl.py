"""``toolproof bfcl check`` in shards: chunks of one category's entries, scored where the
engine runs them, verdicts back in file order.

The driver reads the data and the result file and pairs each entry with its result
(:func:`verifier.bfcl.check_results`: what the result set gets wrong is scored there);
the entries with a result go out in chunks that never mix categories, and each node
scores its chunks with the checker of one machine (:func:`verifier.bfcl.check_jobs`):
BFCL's AST checker for single-turn entries, the multi-turn runner (BFCL's backends in
the node's sandbox, opened on the node's first multi-turn chunk) for the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any

from toolproof.engines._base import Engine

if TYPE_CHECKING:
    from verifier.bfcl import Backends, CheckJob, CheckJobs, MultiTurnCheck, Verdict


@dataclass(frozen=True, slots=True)
class BfclWork:
    """Score chunks of BFCL entries; ``backends`` travel with it (their modules' code),
    ``None`` checks multi-turn entries on compiled mocks (an approximation)."""

    underscore_to_dot: bool = False
    backends: Backends | None = None
    trusted: bool = False
    workers: int = 2
    sandbox: str = "process"
    sandbox_options: Mapping[str, Any] = field(default_factory=dict)

    def open(self, cpus: int | None = None) -> BfclRunner:
        # its multi-turn runner has a worker count of its own (``bfcl check --workers``)
        return BfclRunner(self)


class BfclRunner:
    """A node's checker; its multi-turn runner starts with the first chunk needing it."""

    def __init__(self, work: BfclWork) -> None:
        self.work = work
        self._stack = ExitStack()
        self._multi_turn: MultiTurnCheck | None = None

    def __call__(self, shard: Iterable[CheckJob]) -> list[Verdict]:
        from verifier.bfcl import check_jobs

        jobs = list(shard)  # multi-turn entries are checked together, in parallel
        needs = any(category.kind == "multi_turn" for category, _, _ in jobs)
        multi_turn = self._multi_turn_check() if needs else None
        return check_jobs(
            jobs, underscore_to_dot=self.work.underscore_to_dot, multi_turn=multi_turn
        )

    def _multi_turn_check(self) -> MultiTurnCheck:
        from verifier.bfcl import multi_turn_checker

        if self._multi_turn is None:
            work = self.work
            self._multi_turn = multi_turn_checker(
                self._stack,
                work.backends,
                workers=work.workers,
                trusted=work.trusted,
                sandbox=work.sandbox,
                sandbox_options=work.sandbox_options,
            )
        return self._multi_turn

    def close(self) -> None:
        self._stack.close()


def chunked_check(engine: Engine, work: BfclWork, size: int) -> CheckJobs:
    """``check_jobs`` on ``engine``: shards of one category (``ray``: at most ``size``
    entries each)."""

    def check(jobs: list[CheckJob]) -> list[Verdict]:
        return list(engine.map(work, _shards(engine, jobs, size)))

    return check


def _shards(engine: Engine, jobs: list[CheckJob], size: int) -> Iterator[Iterable[CheckJob]]:
    for _, same in groupby(jobs, key=lambda job: job[0].name):
        yield from engine.shards(same, size)
