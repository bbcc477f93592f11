"""The LLM judge over a mock transport: requests, retries, parsing, cache, accounting."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.verifier.judge_samples import dialog
from verifier._judge import LLMJudge, RetryPolicy, completions_url, make_judge

FAST = RetryPolicy(max_retries=3, backoff=0.001, max_backoff=0.01, max_retry_after=0.05)
HALLUCINATION = {
    "issues": [
        {
            "check": "hallucinated_value",
            "turn": 1,
            "call": 0,
            "path": "/city",
            "value": "Berlin",
            "evidence": "the user asked about Paris; no turn says Berlin",
        }
    ]
}


def completion(content: str, *, prompt: int = 120, done: int = 30) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": done,
                "total_tokens": prompt + done,
            },
        },
    )


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., LLMJudge]]:
    judges: list[LLMJudge] = []

    def build(handler: Handler, **kw: Any) -> LLMJudge:
        options: dict[str, Any] = {"retry": FAST, "cache_path": tmp_path / "cache.sqlite"}
        options.update(kw)
        judge = LLMJudge(
            base_url="http://judge.test/v1",
            model="judge-m",
            transport=httpx.MockTransport(handler),
            **options,
        )
        judges.append(judge)
        return judge

    yield build
    for judge in judges:
        judge.close()


SAMPLE = dialog("What's the weather in Paris?", {"city": "Berlin"})


def test_request_asks_for_structured_output_and_sends_the_key(
    make: Callable[..., LLMJudge],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return completion(json.dumps(HALLUCINATION))

    verdict = make(handler, api_key="sk-test").judge(SAMPLE)
    [request] = seen
    assert request.url == "http://judge.test/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    body = json.loads(request.content)
    assert body["model"] == "judge-m"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["issues"]
    assert "[turn 1] assistant calls:" in body["messages"][1]["content"]
    assert '"city": "Berlin"' in body["messages"][1]["content"]
    [finding] = verdict.findings
    assert (finding.code, finding.turn, finding.call, finding.path) == (
        "judge.hallucinated_value",
        1,
        0,
        "/city",
    )
    assert "no turn says Berlin" in finding.message and "'Berlin'" in finding.message
    assert verdict.provenance == {"judge": "llm", "judge_model": "judge-m", "prompt_version": "v1"}


def test_all_three_checks_become_their_codes(make: Callable[..., LLMJudge]) -> None:
    answer = {
        "issues": [
            {"check": "inconsistent_response", "turn": 3, "evidence": "says sunny, tool said rain"},
            {"check": "tool_response_mismatch", "turn": 2, "evidence": "no temperature field"},
        ]
    }
    verdict = make(lambda r: completion(json.dumps(answer))).judge(SAMPLE)
    assert [(f.code, f.turn, f.severity) for f in verdict.findings] == [
        ("judge.inconsistent_response", 3, "error"),
        ("judge.tool_response_mismatch", 2, "error"),
    ]


def test_json_in_prose_or_fences_is_read(make: Callable[..., LLMJudge]) -> None:
    content = "Sure! Here is my verdict:\n```json\n" + json.dumps(HALLUCINATION) + "\n```\nBye."
    verdict = make(lambda r: completion(content)).judge(SAMPLE)
    assert [f.code for f in verdict.findings] == ["judge.hallucinated_value"]


@pytest.mark.parametrize(
    "response",
    [
        completion("I think the sample is fine."),
        completion('{"issues": [{"check": "vibes", "turn": 1}]}'),
        completion('{"issues": "none"}'),
        completion('{"issues": [{"check": "hallucinated_value"'),
        httpx.Response(200, text="<html>gateway</html>"),
        httpx.Response(200, json={"choices": []}),
        httpx.Response(200, json={"choices": [{"message": {"content": None}}]}),
        httpx.Response(401, json={"error": {"message": "bad key"}}),
    ],
)
def test_garbage_becomes_a_counted_unavailable_warning(
    make: Callable[..., LLMJudge], response: httpx.Response
) -> None:
    judge = make(lambda r: response)
    [finding] = judge.judge(SAMPLE).findings
    assert (finding.code, finding.severity) == ("judge.unavailable", "warning")
    assert "the judge could not answer" in finding.message
    assert judge.stats().failures == 1


def test_429_and_5xx_are_retried_honouring_retry_after(make: Callable[..., LLMJudge]) -> None:
    script = [
        httpx.Response(429, headers={"Retry-After": "0.01"}, json={"error": "slow down"}),
        httpx.Response(503, text="overloaded"),
        completion('{"issues": []}'),
    ]
    judge = make(lambda r: script.pop(0))
    verdict = judge.judge(SAMPLE)
    assert verdict.findings == [] and verdict.available
    assert (judge.stats().calls, judge.stats().retries, judge.stats().failures) == (3, 2, 0)


def test_retries_are_bounded(make: Callable[..., LLMJudge]) -> None:
    judge = make(lambda r: httpx.Response(500, text="boom"))
    [finding] = judge.judge(SAMPLE).findings
    assert finding.code == "judge.unavailable" and "after 4 attempts" in finding.message
    assert judge.stats().calls == 4


def test_timeouts_are_retried_then_reported(make: Callable[..., LLMJudge]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    judge = make(handler)
    [finding] = judge.judge(SAMPLE).findings
    assert finding.code == "judge.unavailable" and "timed out" in finding.message
    assert judge.stats().retries == 3


def test_a_server_without_json_schema_support_gets_plain_requests(
    make: Callable[..., LLMJudge],
) -> None:
    formats: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        has = "response_format" in json.loads(request.content)
        formats.append(has)
        if has:
            return httpx.Response(400, json={"error": {"message": "response_format unsupported"}})
        return completion(json.dumps(HALLUCINATION))

    judge = make(handler)
    assert [f.code for f in judge.judge(SAMPLE).findings] == ["judge.hallucinated_value"]
    judge.judge(dialog("Rome?", {"city": "Rome"}))
    assert formats == [True, False, False]


def test_tokens_and_calls_are_counted(make: Callable[..., LLMJudge]) -> None:
    judge = make(lambda r: completion('{"issues": []}', prompt=100, done=7))
    judge.judge_many([dialog("Paris", {"city": c}) for c in ("Paris", "Lyon", "Nice")])
    s = judge.stats()
    assert (s.samples, s.calls, s.prompt_tokens, s.completion_tokens) == (3, 3, 300, 21)


def test_the_cache_answers_the_second_run_and_survives_the_process(
    make: Callable[..., LLMJudge], tmp_path: Path
) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return completion(json.dumps(HALLUCINATION))

    first = make(handler)
    v1 = first.judge(SAMPLE)
    first.close()
    second = make(handler)
    v2 = second.judge(SAMPLE)
    assert len(calls) == 1
    assert v2.cached and not v1.cached
    assert [f.message for f in v2.findings] == [f.message for f in v1.findings]
    assert second.stats().cache_hits == 1 and second.stats().calls == 0


def test_the_cache_key_holds_model_and_sample(
    make: Callable[..., LLMJudge], tmp_path: Path
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content)["model"])
        return completion('{"issues": []}')

    make(handler).judge(SAMPLE)
    other = LLMJudge(
        base_url="http://judge.test",
        model="other-m",
        retry=FAST,
        cache_path=tmp_path / "cache.sqlite",
        transport=httpx.MockTransport(handler),
    )
    try:
        other.judge(SAMPLE)
        other.judge(dialog("Paris?", {"city": "Paris"}))
    finally:
        other.close()
    assert calls == ["judge-m", "other-m", "other-m"]


def test_failures_are_not_cached(make: Callable[..., LLMJudge]) -> None:
    script = [completion("garbage"), completion('{"issues": []}')]
    judge = make(lambda r: script.pop(0))
    assert not judge.judge(SAMPLE).available
    assert judge.judge(SAMPLE).available


def test_turns_outside_the_sample_are_not_trusted(make: Callable[..., LLMJudge]) -> None:
    answer = {
        "issues": [
            {
                "check": "hallucinated_value",
                "turn": 99,
                "call": 5,
                "path": "city",
                "value": 3,
                "evidence": "?",
            }
        ]
    }
    [finding] = make(lambda r: completion(json.dumps(answer))).judge(SAMPLE).findings
    assert (finding.turn, finding.call, finding.path) == (None, None, None)
    assert "turn 99, not in the sample" in finding.message


def test_async_batch_api_keeps_order(make: Callable[..., LLMJudge]) -> None:
    import asyncio

    def handler(request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["messages"][1]["content"]
        turn = 1 if "Lyon" in text else 2
        return completion(
            json.dumps(
                {"issues": [{"check": "inconsistent_response", "turn": turn, "evidence": "x"}]}
            )
        )

    judge = make(handler)
    samples = [dialog("Lyon", {"city": "Lyon"}), dialog("Nice", {"city": "Nice"})]
    verdicts = asyncio.run(judge.ajudge_many(samples))
    assert [v.findings[0].turn for v in verdicts] == [1, 2]


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://h:8000", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1/", "http://h:8000/v1/chat/completions"),
        ("https://api.x/v1/chat/completions", "https://api.x/v1/chat/completions"),
    ],
)
def test_completions_url(base: str, url: str) -> None:
    assert completions_url(base) == url


def test_make_judge_takes_a_url(tmp_path: Path) -> None:
    judge = make_judge(
        "http://127.0.0.1:9/v1", model="m", api_key="k", cache_path=tmp_path / "c.sqlite"
    )
    try:
        assert isinstance(judge, LLMJudge)
        assert judge.provenance["judge_model"] == "m"
    finally:
        judge.close()


def test_a_sample_too_deep_for_json_is_unavailable_not_a_crash(
    make: Callable[..., LLMJudge],
) -> None:
    deep: dict[str, Any] = {}
    for _ in range(100_000):
        deep = {"x": deep}
    judge = make(lambda r: completion('{"issues": []}'))
    [finding] = judge.judge(dialog("Paris", {"city": "Paris", "deep": deep})).findings
    assert finding.code == "judge.unavailable" and "cannot be written as JSON" in finding.message
    assert judge.stats().calls == 0 and judge.stats().failures == 1


def test_retry_after_as_an_http_date_is_understood(make: Callable[..., LLMJudge]) -> None:
    import email.utils
    import time

    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    script = [httpx.Response(503, headers={"Retry-After": past}), completion('{"issues": []}')]
    judge = make(lambda r: script.pop(0), retry=RetryPolicy(backoff=30.0, max_retry_after=30.0))
    started = time.monotonic()
    assert judge.judge(SAMPLE).available
    assert time.monotonic() - started < 5  # the date, not the 30 s backoff, set the wait


def test_a_corrupt_cache_entry_is_asked_again(
    make: Callable[..., LLMJudge], tmp_path: Path
) -> None:
    import sqlite3

    judge = make(lambda r: completion(json.dumps(HALLUCINATION)))
    judge.judge(SAMPLE)
    judge.close()
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:
        db.execute("UPDATE judge_cache SET answer = 'not json'")
    db.close()
    again = make(lambda r: completion(json.dumps(HALLUCINATION)))
    verdict = again.judge(SAMPLE)
    assert not verdict.cached and [f.code for f in verdict.findings] == ["judge.hallucinated_value"]
    assert (again.stats().calls, again.stats().cache_hits) == (1, 0)


def test_an_unusable_cache_path_is_a_config_error(tmp_path: Path) -> None:
    from toolspec.errors import ConfigError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match="cannot open the judge cache"):
        LLMJudge(base_url="http://judge.test", model="m", cache_path=blocker / "c.sqlite")
