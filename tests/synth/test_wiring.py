"""The synthesis seams built from the verifier and the mock runtime: spec checks, compile
check, tool agent, verify callable and the judge's chat client behind ``ChatModel``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from mock_apis import MockRunner
from synth import (
    VERIFY_LAYERS,
    MockToolAgent,
    OfflineProposer,
    PoolBuilder,
    SyncChat,
    spec_check,
    verifying_agents,
)
from toolproof.compose import build_layers
from toolproof.settings import Settings
from toolspec import ToolSpec, import_tool
from toolspec.errors import JudgeError
from verifier._judge._scripted import ScriptedChatServer, ScriptedReply

CITY = {"type": "string", "description": "City to search in."}


def spec(props: dict[str, Any], required: list[str], name: str = "find_hotels") -> ToolSpec:
    return import_tool(
        {
            "name": name,
            "description": "Find hotels in a city.",
            "parameters": {"type": "object", "properties": props, "required": required},
        }
    )


@pytest.fixture
def runner() -> Iterator[MockRunner]:
    with MockRunner("inprocess") as r:
        yield r


def test_spec_check_reports_the_rule_layers_codes() -> None:
    assert spec_check(spec({"city": CITY}, ["city"])) == []
    vague = spec_check(spec({"city": {"type": "string", "description": "TODO"}}, ["city"]))
    assert [p.split(":")[0] for p in vague] == ["spec.unclear"]
    broken = spec_check(spec({"city": {"type": "strng", "description": "City to see."}}, []))
    assert broken[0].startswith("spec.invalid_schema:")


def test_compile_check_needs_a_callable_mock(runner: MockRunner) -> None:
    agent = MockToolAgent(runner)
    assert agent.compile_check(spec({"city": CITY}, ["city"])) == []
    impossible = {"type": "string", "minLength": 5, "maxLength": 2, "description": "A code."}
    assert agent.compile_check(spec({"code": impossible}, ["code"])) == [
        "no call can satisfy the parameter schema"
    ]


def test_tool_agent_sessions_execute_and_keep_state(runner: MockRunner) -> None:
    create = spec({"city": CITY}, ["city"], "create_booking")
    get = spec(
        {"booking_id": {"type": "string", "description": "Booking id."}},
        ["booking_id"],
        "get_booking_details",
    )
    agent = MockToolAgent(runner)
    session = agent.open([create, get])
    made = session.call_many([("create_booking", {"city": "Oslo"})])[0]
    assert made.ok and made.result["city"] == "Oslo"
    again = session.call_many([("get_booking_details", {"booking_id": made.result["booking_id"]})])
    assert again[0].ok and again[0].result["city"] == "Oslo"
    bad = session.call_many([("create_booking", {"city": 3}), ("nope", {})])
    assert [r.ok for r in bad] == [False, False] and bad[1].error
    session.close()
    assert agent.bundle([create, get]) is agent.bundle([create, get])


def test_verifying_agents_verify_records_as_written(tmp_path: Path) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Find hotels in Oslo."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "find_hotels", "arguments": '{"city": "Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"results": [], "count": 0}'},
        {"role": "assistant", "content": "None found."},
    ]
    tools = [spec({"city": CITY}, ["city"]).to_openai()]
    record = {"messages": messages, "tools": tools}
    said = {"role": "user", "content": "Find me a hotel."}
    invented = {"messages": [said, *messages[1:]], "tools": tools}
    with ExitStack() as stack:
        layers, provenance = build_layers(
            VERIFY_LAYERS, sandbox="inprocess", judge="offline",
            settings=Settings(home=tmp_path), stack=stack,
        )  # fmt: skip
        verify, _ = verifying_agents(stack, layers, provenance)
        ok, bad = verify([record, invented], "openai")
    assert ok.passed and ok.codes == []
    assert not bad.passed and bad.codes == ["judge.hallucinated_value"]


def test_sync_chat_is_the_judges_client_over_loopback() -> None:
    replies = iter([ScriptedReply(content="hello"), ScriptedReply(raw=b"<html>oops</html>")])
    with ScriptedChatServer(lambda request: next(replies)) as server:
        chat = SyncChat(server.url, "m1", max_retries=0)
        try:
            assert chat.chat([{"role": "user", "content": "hi"}]) == "hello"
            with pytest.raises(JudgeError, match="the answer is not JSON"):
                chat.chat([{"role": "user", "content": "hi"}])
            assert chat.client.stats.calls == 2 and chat.model == "m1"
            assert server.bodies[0]["model"] == "m1"
        finally:
            chat.close()
            chat.close()


class HostileProposer(OfflineProposer):
    """Speciation answers with hostile specs beside one fit tool per leaf."""

    def speciate(self, domain: str, leaf: str, examples: Any, rng: Any) -> list[Any]:
        deep: dict[str, Any] = {"type": "string", "description": "Leaf value."}
        for _ in range(300):
            deep = {"type": "object", "description": "Level.", "properties": {"x": deep}}

        def fn(name: str, props: Any, required: Any = ()) -> dict[str, Any]:
            return {
                "name": name,
                "description": f"Look up {leaf} data.",
                "parameters": {"type": "object", "properties": props, "required": list(required)},
            }

        return [
            fn(f"deep_{leaf}", {"x": deep}),
            fn(f"ref_{leaf}", {"x": {"$ref": "#/nowhere", "description": "X value."}}, ["x"]),
            fn(
                f"pattern_{leaf}",
                {"x": {"type": "string", "pattern": "([", "description": "X."}},
                ["x"],
            ),
            fn(
                f"never_{leaf}",
                {
                    "x": {
                        "type": "integer",
                        "minimum": 5,
                        "maximum": 1,
                        "description": "An impossible number.",
                    }
                },
                ["x"],
            ),
            fn(f"find_{leaf}", {"city": CITY}, ["city"]),
        ]

    def adapt(self, entry: Any, rng: Any) -> list[Any]:
        return []

    def evolve(self, entry: Any, other: Any, rng: Any) -> list[Any]:
        return []


def test_hostile_proposals_never_reach_the_pool(runner: MockRunner, tmp_path: Path) -> None:
    agent = MockToolAgent(runner)
    builder = PoolBuilder(
        HostileProposer(), spec_check=spec_check, compile_check=agent.compile_check
    )
    stats = builder.build([], tmp_path / "pool.jsonl", 4)
    assert [e.name.split("_")[0] for e in builder.pool] == ["find"] * 4
    assert sum(stats.rejected.values()) >= 16
