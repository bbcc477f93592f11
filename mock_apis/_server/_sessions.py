"""Mock sessions of the server, chosen by the ``X-Toolproof-Session`` header.

Each key owns one ``MockSession`` (one sandbox worker), opened on first use and closed
when it falls out of the LRU (``max_sessions``) or is deleted. Calls that arrive for the
same session while one round trip is in flight are queued and sent as one pipelined batch
(``call_many``) from a worker thread, in arrival order: a sandbox round trip costs about
as much as the mock's work, so batching is what lets the server keep up on two cores.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from anyio import to_thread

from mock_apis._outcome import MockOutcome
from mock_apis._runner import MockRunner, MockSession
from synth import MockBundle
from synth.errors import SandboxError

MAX_BATCH = 256


class SessionLane:
    """One session's queue: calls in arrival order, sent in batches."""

    def __init__(self, session: MockSession) -> None:
        self.session = session
        self.pending: list[tuple[str, Any, asyncio.Future[MockOutcome]]] = []
        self.draining = False
        self.task: asyncio.Task[None] | None = None

    async def call(self, tool: str, args: Any) -> MockOutcome:
        future: asyncio.Future[MockOutcome] = asyncio.get_running_loop().create_future()
        self.pending.append((tool, args, future))
        if not self.draining:
            self.draining = True
            self.task = asyncio.create_task(self.drain())
        return await future

    async def drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                calls = [(tool, args) for tool, args, _ in batch]
                try:
                    outcomes = await to_thread.run_sync(self.session.call_many, calls)
                except SandboxError as exc:
                    outcomes = [MockOutcome.failure(503, "exec.crash", str(exc))] * len(batch)
                for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)
        finally:
            self.draining = False

    def close(self) -> None:
        self.session.close()


class SessionPool:
    """Session key → lane, least recently used closed first beyond ``max_sessions``."""

    def __init__(self, runner: MockRunner, bundle: MockBundle, max_sessions: int = 64) -> None:
        self.runner, self.bundle, self.max_sessions = runner, bundle, max_sessions
        self.lanes: OrderedDict[str, SessionLane] = OrderedDict()
        self.lock = asyncio.Lock()

    async def lane(self, key: str) -> SessionLane:
        lane = self.lanes.get(key)
        if lane is not None:
            self.lanes.move_to_end(key)
            return lane
        async with self.lock:
            lane = self.lanes.get(key)
            if lane is None:
                session = await to_thread.run_sync(self.runner.session, self.bundle)
                lane = self.lanes[key] = SessionLane(session)
                while len(self.lanes) > self.max_sessions:
                    _, old = self.lanes.popitem(last=False)
                    await to_thread.run_sync(old.close)
        return lane

    async def call(self, key: str, tool: str, args: Any) -> MockOutcome:
        try:
            lane = await self.lane(key)
        except SandboxError as exc:
            return MockOutcome.failure(503, "exec.crash", f"no sandbox session: {exc}")
        return await lane.call(tool, args)

    async def drop(self, key: str) -> bool:
        """Forget a session (its state with it); False when there was none."""
        lane = self.lanes.pop(key, None)
        if lane is None:
            return False
        await to_thread.run_sync(lane.close)
        return True

    def close(self) -> None:
        for lane in self.lanes.values():
            lane.close()
        self.lanes.clear()
