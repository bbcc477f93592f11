"""The LLM judge against a real OpenAI-compatible HTTP server on 127.0.0.1.

The server (``ScriptedChatServer``: uvicorn on a free loopback port, started here and
stopped by its handle) answers as each test scripts it; nothing leaves the machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.verifier.judge_samples import dialog
from verifier._judge import (
    JudgeLayer,
    LLMJudge,
    RetryPolicy,
    make_judge,
)
from verifier._judge._scripted import ScriptedChatServer, ScriptedReply
from verifier._pipeline import Pipeline

FAST = RetryPolicy(max_retries=2, backoff=0.01, max_backoff=0.05, max_retry_after=0.2)


def _city(request: dict[str, Any]) -> str:
    text = str(request["messages"][1]["content"])
    return text.split('"city": "', 1)[1].split('"', 1)[0]


def grounding_script(request: dict[str, Any]) -> ScriptedReply:
    """Flags the city when the user did not say it, like a careful model would."""
    city = _city(request)
    user = request["messages"][1]["content"].split("[turn 0] user: ", 1)[1].split("\n", 1)[0]
    issues = []
    if city not in user:
        issues.append(
            {
                "check": "hallucinated_value",
                "turn": 1,
                "call": 0,
                "path": "/city",
                "value": city,
                "evidence": f"the user never says {city}",
            }
        )
    return ScriptedReply(
        content=json.dumps({"issues": issues}), prompt_tokens=200, completion_tokens=20
    )


@pytest.fixture
def server() -> Iterator[ScriptedChatServer]:
    srv = ScriptedChatServer(grounding_script).start()
    try:
        yield srv
    finally:
        srv.stop()


def test_verify_with_the_llm_judge_over_http(server: ScriptedChatServer, tmp_path: Path) -> None:
    judge = make_judge(
        server.url,
        model="scripted-judge",
        api_key="sk-local",
        cache_path=tmp_path / "judge.sqlite",
        retry=FAST,
    )
    try:
        layer = JudgeLayer(judge)
        pipe = Pipeline(
            ["rules", "judge"], extra_layers={"judge": layer}, provenance=layer.provenance
        )
        samples = [
            dialog("Weather in Paris", {"city": "Paris"}),
            dialog("Weather in Paris", {"city": "Berlin"}),
        ]
        results = [r for _, r in pipe.run(samples)]
    finally:
        judge.close()
    assert [r.verdict for r in results] == ["pass", "fail"]
    [finding] = [f for f in results[1].findings if f.layer == "judge"]
    assert (finding.code, finding.path, finding.turn, finding.call) == (
        "judge.hallucinated_value",
        "/city",
        1,
        0,
    )
    assert "the user never says Berlin" in finding.message
    assert results[1].provenance["judge_model"] == "scripted-judge"
    assert results[1].provenance["prompt_version"] == "v1"
    assert server.requests == 2
    assert server.bodies[0]["response_format"]["type"] == "json_schema"


def test_fifty_requests_in_flight_then_a_cached_second_run(tmp_path: Path) -> None:
    def slow(request: dict[str, Any]) -> ScriptedReply:
        return ScriptedReply(content='{"issues": []}', delay=0.3)

    samples = [dialog(f"Weather in city {i}", {"city": f"city {i}"}) for i in range(120)]
    with ScriptedChatServer(slow) as srv:
        with LLMJudge(
            base_url=srv.url,
            model="m",
            cache_path=tmp_path / "c.sqlite",
            concurrency=64,
            retry=FAST,
        ) as judge:
            first = judge.judge_many(samples)
            second = judge.judge_many(samples)
            stats = judge.stats()
        assert srv.peak_in_flight >= 50
        assert srv.requests == 120
    assert all(v.available for v in first + second)
    assert all(v.cached for v in second)
    assert (stats.calls, stats.cache_hits, stats.failures) == (120, 120, 0)
    assert stats.prompt_tokens == 120 * 10


def test_garbage_timeouts_and_errors_never_crash_the_run(tmp_path: Path) -> None:
    def hostile(request: dict[str, Any]) -> ScriptedReply:
        city = _city(request)
        if city == "garbage":
            return ScriptedReply(content="lol no")
        if city == "badjson":
            return ScriptedReply(raw=b'{"choices": [')
        if city == "slow":
            return ScriptedReply(content='{"issues": []}', delay=2.0)
        if city == "busy":
            return ScriptedReply(status=429, raw='{"error": "busy"}', headers={"Retry-After": "0"})
        return ScriptedReply(content='{"issues": []}')

    names = ["garbage", "badjson", "slow", "busy", "Paris"]
    samples = [dialog(f"Weather in {n}", {"city": n}) for n in names]
    with (
        ScriptedChatServer(hostile) as srv,
        LLMJudge(base_url=srv.url, model="m", cache_path=None, timeout=0.3, retry=FAST) as judge,
    ):
        verdicts = judge.judge_many(samples)
        failures = judge.stats().failures
    codes = [[f.code for f in v.findings] for v in verdicts]
    assert codes == [["judge.unavailable"]] * 4 + [[]]
    assert failures == 4
    assert "timed out" in verdicts[2].findings[0].message
    assert "HTTP 429" in verdicts[3].findings[0].message
    assert all(f.severity == "warning" for v in verdicts for f in v.findings)


def test_prefetch_lets_a_streaming_pipeline_keep_requests_in_flight() -> None:
    def slow(request: dict[str, Any]) -> ScriptedReply:
        return ScriptedReply(content=grounding_script(request).content, delay=0.2)

    samples = [
        dialog(f"Weather in town {i}", {"city": f"town {i}" if i % 2 else "Oslo"})
        for i in range(40)
    ]
    with (
        ScriptedChatServer(slow) as srv,
        LLMJudge(base_url=srv.url, model="m", cache_path=None, retry=FAST) as judge,
    ):
        layer = JudgeLayer(judge)
        pipe = Pipeline(["judge"], extra_layers={"judge": layer})
        layer.prefetch(samples)
        verdicts = [r.verdict for _, r in pipe.run(samples)]
        assert srv.requests == 40 and srv.peak_in_flight >= 20
    assert verdicts == ["pass" if i % 2 else "fail" for i in range(40)]


def test_a_dead_endpoint_is_unavailable_after_retries() -> None:
    srv = ScriptedChatServer().start()
    url = srv.url
    srv.stop()  # nothing listens on that port any more
    with LLMJudge(base_url=url, model="m", cache_path=None, retry=FAST) as judge:
        [finding] = judge.judge(dialog("Paris", {"city": "Paris"})).findings
        assert judge.stats().calls == 3 and judge.stats().failures == 1
    assert finding.code == "judge.unavailable" and "connection failed" in finding.message


def test_the_scripted_server_rejects_what_is_not_a_chat_completion(
    server: ScriptedChatServer,
) -> None:
    import httpx

    with httpx.Client() as client:
        assert client.get(f"{server.url}/models").status_code == 404
        bad = client.post(f"{server.url}/chat/completions", content=b"{not json")
        assert bad.status_code == 400
    assert server.requests == 1
