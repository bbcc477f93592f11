"""Request body limits, applied to every route before any handler reads a byte.

A declared ``Content-Length`` over the limit is refused at once (413); a chunked body is
counted as it arrives and refused when it crosses the limit, so a gigabyte body never
sits in memory. Uploads (``POST /v1/jobs``) have their own, larger, limit. A body that
stops arriving for ``idle_s`` is refused (408): slow clients cannot hold connections and
workers' memory open by trickling a few bytes.
"""

from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolproof.service._problems import BodyTimeout, PayloadTooLarge, problem

UPLOAD_PATH = "/v1/jobs"


def human(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.4g} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


class IdleWatch:
    """Deadlines of the request bodies being read, swept by one timer per event loop.

    Why not ``asyncio.timeout`` around each ``receive``: it costs ~7 µs a call here (a
    timer, its cancel, the task's cancel bookkeeping), 7 % of a small ``POST /v1/verify``.
    Here a read costs a dict entry; a sweep every quarter of ``idle_s`` cancels the tasks
    whose body went silent, and ``expired`` tells their ``receive`` it was this watch.
    """

    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self.reading: dict[asyncio.Task[object], float] = {}
        self.expired: set[asyncio.Task[object]] = set()
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self, task: asyncio.Task[object]) -> None:
        self.reading[task] = time.monotonic() + self.idle_s
        loop = task.get_loop()
        if self.timer is None or self.loop is not loop:  # tests may run several loops
            self.loop, self.timer = loop, loop.call_later(self.idle_s / 4, self.sweep)

    def stop(self, task: asyncio.Task[object]) -> None:
        self.reading.pop(task, None)

    def sweep(self) -> None:
        now = time.monotonic()
        for task, deadline in list(self.reading.items()):
            if deadline <= now:
                del self.reading[task]
                self.expired.add(task)
                task.cancel()
        if self.reading and self.loop is not None:
            self.timer = self.loop.call_later(self.idle_s / 4, self.sweep)
        else:
            self.timer = None


class BodyLimit:
    def __init__(self, app: ASGIApp, body_bytes: int, upload_bytes: int,
                 idle_s: float = 10.0) -> None:  # fmt: skip
        self.app, self.body_bytes, self.upload_bytes = app, body_bytes, upload_bytes
        self.idle_s = idle_s
        self.watch = IdleWatch(idle_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"] == UPLOAD_PATH
        limit = self.upload_bytes if upload else self.body_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > limit:
                    detail = f"the request body is larger than {human(limit)}"
                    response = problem(
                        413, PayloadTooLarge.code, detail, headers={"Connection": "close"}
                    )
                    await response(scope, receive, send)
                    return
                break
        seen, ended, started, answered = 0, False, False, False

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:  # the 408 went out: what the app says after it goes nowhere
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def counted() -> Message:
            nonlocal seen, ended, answered
            if ended:  # after the body only http.disconnect comes, whenever it comes
                return await receive()
            task = asyncio.current_task()
            assert task is not None
            self.watch.start(task)
            try:
                message = await receive()
            except asyncio.CancelledError:
                if task not in self.watch.expired:
                    raise  # cancelled by someone else: not ours to answer
                self.watch.expired.discard(task)
                task.uncancel()
                # Answered here, not raised: a route's own body parsing (FastAPI's) would
                # turn any exception into its generic 400. The app then sees a disconnect.
                if not started:
                    answered = True
                    detail = f"no part of the body came for {self.idle_s:g} s"
                    late = problem(408, BodyTimeout.code, detail, headers={"Connection": "close"})
                    await late(scope, receive, send)
                return {"type": "http.disconnect"}
            finally:
                self.watch.stop(task)
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                ended = not message.get("more_body", False)
                if seen > limit:
                    raise PayloadTooLarge(f"the request body is larger than {human(limit)}")
            return message

        await self.app(scope, counted, guarded)
