"""The model runner, with httpx's MockTransport in place of the network."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from verifier.bfcl import (
    CATEGORIES,
    DEFAULT_DATA_DIR,
    RunSettings,
    RunStats,
    done_ids,
    load_entries,
    request_body,
    run_model,
)

PY = CATEGORIES["simple_python"]
JAVA = CATEGORIES["simple_java"]
ENTRIES = load_entries(DEFAULT_DATA_DIR, PY)[:4]


def _settings(**kw: Any) -> RunSettings:
    return RunSettings(**{"base_url": "http://model.test/v1", "model": "m", "backoff_s": 0.0, **kw})


def _reply(content: str | None = None, calls: list[Any] | None = None) -> httpx.Response:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls is not None:
        message["tool_calls"] = calls
    return httpx.Response(200, json={"choices": [{"message": message}], "usage": {}})


def _run(handler: Any, out: Path, **kw: Any) -> RunStats:
    transport = httpx.MockTransport(handler)
    work = [(PY, e) for e in ENTRIES]
    return asyncio.run(run_model(_settings(**kw), work, out, transport=transport))


def test_function_calling_request_and_result(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/chat/completions"
        seen.append(json.loads(request.content))
        call = {"function": {"name": "math_hypot", "arguments": '{"x": 1}'}}
        return _reply(calls=[call])

    out = tmp_path / "r.jsonl"
    stats = _run(handler, out)
    assert (stats.answered, stats.skipped, stats.failed) == (4, 0, {})
    body = seen[0]
    assert body["model"] == "m" and body["temperature"] == 0.0
    assert all("." not in t["function"]["name"] for t in body["tools"])
    assert body["messages"][0]["role"] == "user"
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[0]["result"] == [{"math_hypot": '{"x": 1}'}]
    assert {"id", "result", "latency", "input_token_count", "output_token_count"} <= set(lines[0])


def test_prompt_mode_sends_bfcls_system_prompt() -> None:
    body = request_body(_settings(mode="prompt"), JAVA, load_entries(DEFAULT_DATA_DIR, JAVA)[0])
    system = body["messages"][0]
    assert system["role"] == "system" and "tools" not in body
    assert (
        "[func_name1(params_name1=params_value1, params_name2=params_value2...)"
        in (system["content"])
    )
    assert "Note that the provided function is in Java 8 SDK syntax." in system["content"]
    assert "in string representation" in system["content"]


def test_java_parameters_are_strings_in_function_calling() -> None:
    body = request_body(_settings(), JAVA, load_entries(DEFAULT_DATA_DIR, JAVA)[1])
    params = body["tools"][0]["function"]["parameters"]["properties"]
    assert {p["type"] for p in params.values()} == {"string"}


def test_retries_on_429_5xx_and_timeouts_then_gives_up(tmp_path: Path) -> None:
    attempts: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        user = json.loads(request.content)["messages"][-1]["content"]
        attempts[user] = attempts.get(user, 0) + 1
        n = attempts[user]
        if user == ENTRIES[0].question[0][-1]["content"] and n == 1:
            return httpx.Response(429, headers={"Retry-After": "0"})
        if user == ENTRIES[1].question[0][-1]["content"] and n == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if user == ENTRIES[2].question[0][-1]["content"]:
            return httpx.Response(503)
        if user == ENTRIES[3].question[0][-1]["content"]:
            return httpx.Response(400, text="bad request")
        return _reply(content="[f(a=1)]")

    out = tmp_path / "r.jsonl"
    stats = _run(handler, out, retries=2, mode="prompt")
    assert stats.answered == 2
    assert "gave up after 3 attempts: HTTP 503" in stats.failed[ENTRIES[2].id]
    assert stats.failed[ENTRIES[3].id].startswith("HTTP 400")
    assert sorted(attempts.values()) == [1, 2, 2, 3]
    assert done_ids(out) == {ENTRIES[0].id, ENTRIES[1].id}


def test_a_second_run_skips_ids_already_answered(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text(json.dumps({"id": ENTRIES[0].id, "result": "[]"}) + "\nnot json\n")
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(json.loads(request.content)["messages"][-1]["content"])
        return _reply(content="I cannot help.")

    stats = _run(handler, out, mode="prompt")
    assert (stats.answered, stats.skipped) == (3, 1)
    assert len(asked) == 3
    assert done_ids(out) == {e.id for e in ENTRIES}


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"choices": []}, "no choices[0].message"),
        ([1, 2], "not a JSON object"),
        ({"choices": [{"message": {"tool_calls": [{"function": {}}]}}]}, "no function name"),
    ],
)
def test_unusable_answers_fail_the_entry(tmp_path: Path, payload: Any, problem: str) -> None:
    stats = _run(lambda request: httpx.Response(200, json=payload), tmp_path / "r.jsonl")
    assert stats.answered == 0
    assert all(problem in p for p in stats.failed.values())


def test_the_retry_policy_comes_from_the_run_settings(tmp_path: Path) -> None:
    """Retry-After is honoured up to ``max_backoff_s``: a server asking for an hour is
    asked again within the cap, and ``retries`` bounds the attempts."""
    import time

    attempts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(time.monotonic())
        return httpx.Response(503, headers={"Retry-After": "3600"})

    started = time.monotonic()
    stats = _run(handler, tmp_path / "r.jsonl", retries=1, backoff_s=0.05, max_backoff_s=0.2)
    assert time.monotonic() - started < 5
    assert len(attempts) == 2 * len(ENTRIES)
    assert all("gave up after 2 attempts: HTTP 503" in p for p in stats.failed.values())
