"""A warm pool of workers shared by the backends; a backend only says how to start one.

Workers are started ahead of demand (``size`` kept ready, in parallel threads), checked
with a ping when handed out, owned by one session at a time and killed when it closes:
a worker never serves a second session, so nothing one bundle did can leak into another.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from sandbox._channel import Channel, ChannelClosed, ChannelTimeout
from sandbox._errors import BackendUnavailableError
from sandbox._limits import Limits

PING_TIMEOUT_S = 2.0
"""A warm worker must answer a ping within 2 s when handed out, or it is replaced."""


class Worker(Protocol):
    """One started runner, connected."""

    channel: Channel
    ident: str

    def kill(self) -> None:
        """Stop it for good and free what it holds; safe to call twice."""
        ...


WorkerStarter = Callable[[Limits], Worker]


class WorkerPool:
    """Keeps ``size`` ready workers with the same start-time limits."""

    def __init__(self, start: WorkerStarter, limits: Limits, size: int) -> None:
        self.start_worker, self.limits, self.size = start, limits, max(0, size)
        self.ready: deque[Worker] = deque()
        self.lock = threading.Lock()
        self.pending = 0
        self.closed = False
        self.last_error: Exception | None = None
        self.futures: list[Future[None]] = []
        self.leased: set[Worker] = set()  # handed to sessions; killed on close too
        # starts and kills overlap: room for a full refill plus a few kills
        self.executor = ThreadPoolExecutor(max_workers=min(self.size, 8) + 2,
                                           thread_name_prefix="sandbox-pool")  # fmt: skip

    def warm(self) -> None:
        """Fill the pool and wait for it; raises if no worker can start at all."""
        self._refill()
        with self.lock:
            futures = list(self.futures)
        for future in futures:
            future.result()
        if not self.ready and self.size and self.last_error is not None:
            raise BackendUnavailableError(str(self.last_error)) from self.last_error

    def _refill(self) -> None:
        with self.lock:
            if self.closed:
                return
            missing = self.size - len(self.ready) - self.pending
            self.pending += max(0, missing)
            self.futures = [f for f in self.futures if not f.done()]
            self.futures += [self.executor.submit(self._start_one) for _ in range(missing)]

    def _start_one(self) -> None:
        if self.closed:
            with self.lock:
                self.pending -= 1
            return
        try:
            worker = self.start_worker(self.limits)
        except Exception as exc:  # reported by warm()/acquire(), pool keeps going
            self.last_error = exc
            with self.lock:
                self.pending -= 1
            return
        with self.lock:
            self.pending -= 1
            if not self.closed:
                self.ready.append(worker)
                return
        worker.kill()

    def acquire(self) -> Worker:
        """A healthy worker for one session: a warm one if any, else started now."""
        while True:
            with self.lock:
                worker = self.ready.popleft() if self.ready else None
            if worker is None:
                break
            if self._healthy(worker):
                with self.lock:
                    self.leased.add(worker)
                self._refill()
                return worker
            self.discard(worker)
        try:
            worker = self.start_worker(self.limits)
        except BackendUnavailableError:
            raise
        except Exception as exc:
            raise BackendUnavailableError(f"cannot start a sandbox worker: {exc}") from exc
        with self.lock:
            self.leased.add(worker)
        self._refill()
        return worker

    @staticmethod
    def _healthy(worker: Worker) -> bool:
        try:
            worker.channel.send({"op": "ping"})
            return bool(worker.channel.recv(time.monotonic() + PING_TIMEOUT_S).get("ok"))
        except (ChannelClosed, ChannelTimeout):
            return False

    def discard(self, worker: Worker) -> None:
        """Kill a used or broken worker (in the background) and start a replacement."""
        with self.lock:
            self.leased.discard(worker)
        if not self.closed:
            self.executor.submit(worker.kill)
        else:
            worker.kill()
        self._refill()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = [*self.ready, *self.leased]
            self.ready.clear()
            self.leased.clear()
        self.executor.shutdown(wait=True)  # pending kills must run; pending starts skip
        for worker in workers:
            worker.kill()
