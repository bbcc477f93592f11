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
MAX_START_FAILURES = 3
"""After 3 worker starts in a row fail, a pool stops trying: a sandbox that cannot start
here (a missing isolation piece, an unreadable interpreter) fails the command at once
with the first error, instead of restarting workers for ever."""


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

    def __init__(self, start: WorkerStarter, limits: Limits, size: int, name: str = "") -> None:
        self.start_worker, self.limits, self.size = start, limits, max(0, size)
        self.name = name or "sandbox"
        self.ready: deque[Worker] = deque()
        self.lock = threading.Lock()
        self.pending = 0
        self.closed = False
        self.failures = 0  # worker starts that failed in a row
        self.first_error: Exception | None = None  # the first of them
        self.broken: str | None = None  # why no more workers are started
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
        if self.broken is not None:
            raise BackendUnavailableError(self.broken)
        if not self.ready and self.size and self.first_error is not None:
            raise BackendUnavailableError(str(self.first_error)) from self.first_error

    def _count(self, error: Exception | None) -> None:
        """Record one start's result; the third failure in a row breaks the pool."""
        with self.lock:
            if error is None:
                self.failures, self.first_error = 0, None
                return
            self.failures += 1
            self.first_error = self.first_error or error
            if self.failures >= MAX_START_FAILURES and self.broken is None:
                hint = BackendUnavailableError.hint
                self.broken = (
                    f"the {self.name} sandbox cannot start workers here ({self.failures} "
                    f"attempts in a row failed; the first: {self.first_error}); {hint}"
                )

    def _refill(self) -> None:
        with self.lock:
            if self.closed or self.broken is not None:
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
            self._count(exc)
            with self.lock:
                self.pending -= 1
            return
        self._count(None)
        with self.lock:
            self.pending -= 1
            if not self.closed:
                self.ready.append(worker)
                return
        worker.kill()

    def acquire(self) -> Worker:
        """A healthy worker for one session: a warm one if any, else started now.
        Raises ``BackendUnavailableError`` once the pool is broken."""
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
        worker = self._start_now()
        with self.lock:
            self.leased.add(worker)
        self._refill()
        return worker

    def _start_now(self) -> Worker:
        """Start a worker in this thread, retrying until the pool is broken."""
        while True:
            if self.broken is not None:
                raise BackendUnavailableError(self.broken)
            try:
                worker = self.start_worker(self.limits)
            except Exception as exc:
                self._count(exc)
                continue
            self._count(None)
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
