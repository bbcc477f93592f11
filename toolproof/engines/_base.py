"""The engine seam: where the shards of a job run.

A command's job is a stream of items (dataset records, dialog attempt numbers, BFCL
entries with their results) and a :class:`Work` that gives one result per item. The
engine cuts the stream into shards (:meth:`Engine.shards`; on a cluster: batches of
records, ranges of attempts, chunks of one BFCL category), runs the work on each and
yields every item's result in input order, holding a bounded number of shards in
flight, so the command writes results as they come and its memory does not grow with
the job.

A ``Work`` is a picklable description (settings, layer names, a pool of tools): it
travels with the shards and is *opened* once per worker process into a
:class:`ShardRunner` that keeps what is costly to start (the warm sandbox pool, the
compiled mocks, the judge's client) for every shard that process runs. Work keeps no
state across shards, so a shard can run anywhere, again, after its node died.

Engines, by name (``--engine``):

- ``local``: in this process; the default, nothing to install. Nothing travels, so the
  stream is one shard, verified as it is read: no batch is held (a batch of a thousand
  results alive at once makes Python's garbage collector ~2x slower on the rule layer).
- ``ray``: Ray tasks on a cluster (``pip install 'toolproof[ray]'``), retried on another
  node when one dies; Ray loads only when this engine is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Protocol, TypeVar

from toolspec.errors import ConfigError
from toolspec.registry import Registry

if TYPE_CHECKING:
    from toolproof.settings import Settings

S = TypeVar("S")
R = TypeVar("R")
S_contra = TypeVar("S_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class EngineError(ConfigError):
    """Raised when an engine cannot start: its extra is not installed, or the cluster
    at ``--address`` cannot be reached (the command exits 2 with this one sentence)."""

    code = "config.engine"


class ShardRunner(Protocol[S_contra, R_co]):
    """A work opened in one worker process: given shard after shard, it yields one result
    per item of each, in order; closed at the end."""

    def __call__(self, shard: Iterable[S_contra], /) -> Iterable[R_co]: ...

    def close(self) -> None: ...


class Work(Protocol[S_contra, R_co]):
    """What every shard of one job runs; picklable, since it travels with every shard to
    the nodes: small to decode (names, settings, a pool as its file's bytes)."""

    def open(self, cpus: int | None = None) -> ShardRunner[S_contra, R_co]:
        """Start what the shards share (sandbox pool, layers); a failure here is the
        job's (a sandbox that cannot start), raised to the driver, never a shard's.
        ``cpus``: what the engine gives this process (a Ray task's CPUs: the node's
        others are for its other tasks); None: every CPU it may run on."""
        ...


class Engine(Protocol):
    """Runs shards of work; see the module docstring."""

    name: str

    def shards(self, items: Iterable[S], size: int) -> Iterator[Iterable[S]]:
        """``items`` as this engine runs them: lists of ``size`` where they travel to
        other processes, the stream itself where they do not."""
        ...

    def map(self, work: Work[S, R], shards: Iterable[Iterable[S]]) -> Iterator[R]:
        """``work`` on every shard: each item's result, in order. ``shards`` is read
        lazily, a bounded number ahead of the results taken."""
        ...

    def completed(
        self, work: Work[S, R], shards: Iterable[Iterable[S]]
    ) -> Iterator[tuple[int, list[R]]]:
        """``work`` on every shard: (the shard's position in ``shards``, its results) as
        each shard finishes, in any order; ``shards`` is read as shards go out. A caller
        that keeps what finished (the service's jobs, in the store) loses nothing to the
        order shards finish in."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What opening an engine may take from the command line and the settings."""

    address: str | None = None
    """The cluster to join (``ray``: ``HOST:PORT`` of its head, or ``ray://HOST:PORT``)."""
    node_wait_s: float = 300.0
    """How long shards may wait while the cluster has no CPU (every node lost, or an
    autoscaler still starting the first one) before the job fails."""

    @classmethod
    def of(cls, settings: Settings, address: str | None = None) -> EngineOptions:
        """The options ``settings`` give; ``address`` (``--address``) before theirs."""
        return cls(address or settings.ray_address, settings.ray_node_wait_s)


EngineFactory = Callable[[EngineOptions], Engine]
ENGINES: Registry[EngineFactory] = Registry(
    "unknown engine {name}; known engines: {known}",
    lazy={"ray": "toolproof.engines._ray"},
    entry_point_group="toolproof.engines",
)


def register_engine(name: str) -> Callable[[EngineFactory], EngineFactory]:
    """Register an engine factory under ``name`` (decorator)."""
    return ENGINES.register(name)


def engine_names() -> list[str]:
    return ENGINES.names()


def open_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """The engine called ``name``, started (``ray``: connected to its cluster).

    Raises ``ConfigError`` naming the known engines for an unknown name, and
    :class:`EngineError` when the engine cannot start.
    """
    return ENGINES.get(name)(options or EngineOptions())


def batched(items: Iterable[S], size: int) -> Iterator[list[S]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they are needed."""
    if size < 1:
        raise ConfigError(f"a shard holds at least one item; got {size}")
    stream = iter(items)
    while chunk := list(islice(stream, size)):
        yield chunk


class LocalEngine:
    """The work in this process, opened once for the whole job."""

    name = "local"

    def shards(self, items: Iterable[S], size: int) -> Iterator[Iterable[S]]:
        if size < 1:
            raise ConfigError(f"a shard holds at least one item; got {size}")
        yield items  # nothing travels: the stream is the shard

    def map(self, work: Work[S, R], shards: Iterable[Iterable[S]]) -> Iterator[R]:
        runner = work.open()  # now: a layer that cannot start fails before a shard is read
        return _run(runner, shards)

    def completed(
        self, work: Work[S, R], shards: Iterable[Iterable[S]]
    ) -> Iterator[tuple[int, list[R]]]:
        runner = work.open()
        try:
            for position, shard in enumerate(shards):
                yield position, list(runner(shard))
        finally:
            runner.close()

    def close(self) -> None:
        return None


def _run(runner: ShardRunner[S, R], shards: Iterable[Iterable[S]]) -> Iterator[R]:
    try:
        for shard in shards:
            yield from runner(shard)
    finally:
        runner.close()


@register_engine("local")
def _local(options: EngineOptions) -> Engine:
    if options.address is not None:
        raise EngineError(
            "--address names a cluster; the local engine runs here (use --engine ray)"
        )
    return LocalEngine()
