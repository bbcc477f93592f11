"""Mock sessions of the server, chosen by the ``X-Toolproof-Session`` header.

Each key owns one ``MockSession`` (one sandbox worker) and one thread that talks to it:
the sandbox API blocks on its worker, and a thread per session lets sessions run in
parallel while the event loop keeps serving. Calls that arrive while a round trip is in
flight queue up and go as one pipelined batch (``call_many``), in arrival order: a
sandbox round trip costs about as much as the mock's work, so batching is what lets the
server keep up on two cores. Sessions beyond ``max_sessions`` are closed, least recently
used first.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import OrderedDict
from typing import Any

from anyio import to_thread

from mock_apis import MockBundle
from mock_apis._outcome import MockOutcome
from mock_apis._runner import MockRunner, MockSession
from toolspec.errors import SandboxError, ToolproofError

MAX_BATCH = 256
Pending = tuple[str, Any, "asyncio.Future[MockOutcome]"]


class SessionLane:
    """One session's queue and the thread that sends it to the sandbox in batches."""

    def __init__(self, session: MockSession, loop: asyncio.AbstractEventLoop) -> None:
        self.session, self.loop = session, loop
        self.queue: queue.SimpleQueue[Pending | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.serve, name="mock-session", daemon=True)
        self.thread.start()

    async def call(self, tool: str, args: Any) -> MockOutcome:
        future: asyncio.Future[MockOutcome] = self.loop.create_future()
        self.queue.put((tool, args, future))
        return await future

    def serve(self) -> None:
        while True:
            first = self.queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            try:
                outcomes = self.session.call_many([(tool, args) for tool, args, _ in batch])
            except SandboxError as exc:
                outcomes = [MockOutcome.failure(503, "exec.crash", str(exc))] * len(batch)
            except Exception as exc:  # never leave a caller waiting on a dead lane
                message = f"the mock session failed: {exc!r}"
                outcomes = [MockOutcome.failure(500, "exec.error", message)] * len(batch)
            self.loop.call_soon_threadsafe(resolve, batch, outcomes)
            if stop:
                return

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(30)
        self.session.close()


def resolve(batch: list[Pending], outcomes: list[MockOutcome]) -> None:
    for (_, _, future), outcome in zip(batch, outcomes, strict=True):
        if not future.done():
            future.set_result(outcome)


class SessionsFull(ToolproofError):
    """Raised when every sandbox session is taken and the owner asking has none of its own
    to give up (sessions are never taken from another owner)."""

    code = "sandbox.sessions_full"


class SessionPool:
    """(owner, toolset, session key) → lane. An owner is a tenant of the service (``""``
    for ``toolproof mock serve``); owners never share or evict each other's sessions.

    Each lane holds a sandbox worker, so the pool is bounded: at most ``max_sessions`` in
    all and ``max_per_owner`` per owner. Beyond either bound the asking owner's own least
    recently used session is closed; an owner with none when all are taken is refused
    (:class:`SessionsFull`, answered 429)."""

    def __init__(self, runner: MockRunner, bundle: MockBundle | None = None,
                 max_sessions: int = 64, max_per_owner: int | None = None) -> None:  # fmt: skip
        self.runner, self.bundle, self.max_sessions = runner, bundle, max_sessions
        self.max_per_owner = max_per_owner or max_sessions
        self.owners: dict[str, OrderedDict[tuple[str, str], SessionLane]] = {}
        self.total = 0
        self.lock = asyncio.Lock()

    async def lane(
        self, key: str, owner: str = "", bundle: MockBundle | None = None
    ) -> SessionLane:
        bundle = bundle or self.bundle
        assert bundle is not None, "a pool without a default toolset needs one per call"
        name = (bundle.sha256, key)
        owned = self.owners.get(owner)
        lane = owned.get(name) if owned is not None else None
        if lane is not None:
            owned.move_to_end(name)  # type: ignore[union-attr]
            return lane
        async with self.lock:
            owned = self.owners.setdefault(owner, OrderedDict())
            lane = owned.get(name)
            if lane is None:
                while owned and (
                    len(owned) >= self.max_per_owner or self.total >= self.max_sessions
                ):
                    _, old = owned.popitem(last=False)
                    self.total -= 1
                    await to_thread.run_sync(old.close)
                if self.total >= self.max_sessions:
                    raise SessionsFull(
                        f"all {self.max_sessions} sandbox sessions are in use; retry later"
                    )
                session = await to_thread.run_sync(self.runner.session, bundle)
                lane = owned[name] = SessionLane(session, asyncio.get_running_loop())
                self.total += 1
        return lane

    async def call(self, key: str, tool: str, args: Any, owner: str = "",
                   bundle: MockBundle | None = None) -> MockOutcome:  # fmt: skip
        try:
            lane = await self.lane(key, owner, bundle)
        except SessionsFull as exc:
            return MockOutcome.failure(429, exc.code, exc.message)
        except ToolproofError as exc:  # no worker could start, or the backend refuses it
            return MockOutcome.failure(503, "exec.crash", f"no sandbox session: {exc}")
        return await lane.call(tool, args)

    async def drop(self, key: str, owner: str = "", bundle: MockBundle | None = None) -> bool:
        """Forget a session (its state with it); False when there was none."""
        bundle = bundle or self.bundle
        assert bundle is not None
        lane = self.owners.get(owner, OrderedDict()).pop((bundle.sha256, key), None)
        if lane is None:
            return False
        self.total -= 1
        await to_thread.run_sync(lane.close)
        return True

    def close(self) -> None:
        for owned in self.owners.values():
            for lane in owned.values():
                lane.close()
        self.owners.clear()
        self.total = 0
