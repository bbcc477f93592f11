"""The base both real backends share: one warm pool of workers per distinct start-time
limits, sessions on them (``sandbox._session``), and no worker left behind at exit."""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import TracebackType

from sandbox._bundle import Bundle, source_digest
from sandbox._channel import ChannelClosed, ChannelTimeout
from sandbox._errors import BackendUnavailableError
from sandbox._limits import Limits
from sandbox._pool import Worker, WorkerPool, WorkerStarter
from sandbox._protocol import Isolation, SandboxStats
from sandbox._session import PooledSession

PRIME_TIMEOUT_S = 30.0
"""How long a fresh worker may take to compile the ``preload`` modules."""


_LIVE: weakref.WeakSet[PooledSandbox] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Ctrl-C and normal exit leave no worker behind."""
    for sandbox in list(_LIVE):
        sandbox.close()


class PooledSandbox(ABC):
    """Base of the real backends: one warm pool per distinct start-time limits."""

    name = "pooled"

    def __init__(self, *, restrict: bool = True, pool_size: int = 2, limits: Limits | None = None,
                 warm: bool = False, preload: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.restrict, self.pool_size = restrict, pool_size
        self.preload = dict(preload or {})
        self.primed = frozenset(source_digest(source) for source in self.preload.values())
        self.default_limits = limits or Limits()
        self.pools: dict[tuple[int, int, float], WorkerPool] = {}
        self.lock = threading.Lock()
        _LIVE.add(self)
        if warm:
            self.pool(self.default_limits).warm()

    @abstractmethod
    def starter(self) -> WorkerStarter:
        """How this backend starts one worker."""

    def pool(self, limits: Limits) -> WorkerPool:
        with self.lock:
            pool = self.pools.get(limits.worker_key)
            if pool is None:
                pool = self.pools[limits.worker_key] = WorkerPool(
                    self._primed(self.starter()), limits, self.pool_size, self.name
                )
        return pool

    def _primed(self, start: WorkerStarter) -> WorkerStarter:
        """Start workers with the ``preload`` modules compiled already (in the background)."""
        if not self.preload:
            return start
        request = {"op": "prime", "modules": self.preload, "restrict": self.restrict}

        def start_primed(limits: Limits) -> Worker:
            worker = start(limits)
            try:
                worker.channel.send(request)
                worker.channel.recv(time.monotonic() + PRIME_TIMEOUT_S)
            except (ChannelClosed, ChannelTimeout) as exc:
                worker.kill()
                message = f"a worker failed to compile the preload: {exc}"
                raise BackendUnavailableError(message) from None
            return worker

        return start_primed

    def session(self, bundle: Bundle, limits: Limits | None = None) -> PooledSession:
        limits = limits or self.default_limits
        return PooledSession(self.pool(limits), bundle, limits, self.restrict, self.primed)

    @abstractmethod
    def isolation(self) -> Isolation:
        """What this backend protects against here."""

    def stats(self) -> SandboxStats:
        with self.lock:
            pools = list(self.pools.values())
        return SandboxStats(sum(len(p.ready) for p in pools), sum(len(p.leased) for p in pools),
                            any(p.broken is not None for p in pools))  # fmt: skip

    def __enter__(self) -> PooledSandbox:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def close(self) -> None:
        with self.lock:
            pools, self.pools = list(self.pools.values()), {}
        for pool in pools:
            pool.close()
