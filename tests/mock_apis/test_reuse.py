"""Compiled toolsets by content and one warm session per thread."""

from __future__ import annotations

import threading

import pytest

from mock_apis import MockRunner, ThreadSessions, ToolsetCache
from toolspec import ToolSpec
from toolspec.errors import CompileError

TOOL = ToolSpec(
    name="get_price",
    description="Price of a product.",
    parameters={"type": "object", "properties": {"product": {"type": "string"}}},
)
OTHER = ToolSpec(name="ping", description="Ping.", parameters={"type": "object"})


def test_cache_compiles_once_per_content_and_is_bounded() -> None:
    cache = ToolsetCache(size=1)
    first = cache.get([TOOL])
    assert cache.get([TOOL.model_copy()]) is first
    cache.get([OTHER])
    assert cache.get([TOOL]) is not first  # evicted, compiled again


def test_cache_remembers_a_toolset_that_does_not_compile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    def broken(specs: object, seed: int = 0) -> None:
        calls.append(specs)
        raise CompileError("no")

    monkeypatch.setattr("mock_apis._reuse.compile_toolset", broken)
    cache = ToolsetCache()
    for _ in range(2):
        with pytest.raises(CompileError):
            cache.get([TOOL])
    assert len(calls) == 1


def test_one_session_per_thread_with_empty_state() -> None:
    cache = ToolsetCache()
    with MockRunner("inprocess") as runner:
        sessions = ThreadSessions(runner)
        a = sessions.get(cache.get([TOOL]))
        assert sessions.get(cache.get([OTHER])) is a and a.entries.keys() == {"ping"}
        other: list[object] = []
        thread = threading.Thread(target=lambda: other.append(sessions.get(cache.get([TOOL]))))
        thread.start()
        thread.join()
        assert other[0] is not a and len(sessions) == 2
        sessions.close()
        assert len(sessions) == 0
