"""The body-idle watch: a silent body is cut after the limit, other cancels pass through."""

from __future__ import annotations

import asyncio

import pytest

from toolproof.service._limits import IdleWatch


async def _read(watch: IdleWatch, never: asyncio.Event) -> str:
    task = asyncio.current_task()
    assert task is not None
    watch.start(task)
    try:
        await never.wait()
        return "body"
    except asyncio.CancelledError:
        if task not in watch.expired:
            raise
        watch.expired.discard(task)
        task.uncancel()
        return "timed out"
    finally:
        watch.stop(task)


def test_a_silent_body_is_cut_and_a_foreign_cancel_is_not_taken_for_it() -> None:
    async def scenario() -> None:
        watch = IdleWatch(0.2)
        never = asyncio.Event()
        assert await asyncio.wait_for(_read(watch, never), 2) == "timed out"
        other = asyncio.create_task(_read(watch, never))
        await asyncio.sleep(0.01)
        other.cancel()  # a client that went away, a shutdown: not the idle limit
        with pytest.raises(asyncio.CancelledError):
            await other
        assert not watch.reading and not watch.expired

    asyncio.run(scenario())
