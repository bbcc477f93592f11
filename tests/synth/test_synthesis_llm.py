"""The LLM generator with a scripted chat model: prompts in, hostile answers handled."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from synth import (
    ComplexityController,
    DialogGenerator,
    GenerationFailed,
    LLMAgents,
    Message,
    PoolBuilder,
    Step,
    make_proposer,
    parse_json,
)
from tests.synth.synth_fakes import CITY, POOL, FakeToolAgent, FakeVerify, tool
from toolspec import ToolSpec
from toolspec.errors import JudgeError

Script = Callable[[list[dict[str, str]]], str]


class ScriptedModel:
    """A ``ChatModel`` whose answers come from a plain function; ``asked`` keeps prompts."""

    model = "scripted"

    def __init__(self, script: Script) -> None:
        self.script = script
        self.asked: list[list[dict[str, str]]] = []

    def chat(self, messages: list[dict[str, str]]) -> str:
        self.asked.append(messages)
        return self.script(messages)


def test_parse_json_finds_the_value_in_prose_and_fences() -> None:
    assert parse_json('{"a": 1}') == {"a": 1}
    assert parse_json('Sure!\n```json\n[{"a": 1}]\n```\nDone.') == [{"a": 1}]
    assert parse_json('Here: {"a": [1, 2]} as asked') == {"a": [1, 2]}
    with pytest.raises(GenerationFailed, match="not JSON") as info:
        parse_json("I cannot help with that {")
    assert info.value.reason == "invalid_json" and info.value.code == "synth.generation"


def pool_script(messages: list[dict[str, str]]) -> str:
    ask = messages[-1]["content"]
    if ask.startswith("From these seed APIs"):
        return '```json\n{"travel": ["hotels", "flights"], "weather": ["forecasts"]}\n```'
    if ask.startswith("Propose 4 new"):
        leaf = ask.split(" / ", 1)[1].split(",", 1)[0]
        return orjson.dumps(
            [
                tool(f"find_{leaf}", {"city": CITY}, ["city"], f"Find {leaf} in a city."),
                tool(f"todo_{leaf}", {"city": {"type": "string", "description": "TODO"}}, ["city"]),
                {"description": f"A {leaf} tool without a name."},
            ]
        ).decode()
    if ask.startswith("Adapt"):
        return "I would rather not."  # invalid JSON
    return '{"tools": "not a list"}'  # evolution: wrong shape


def test_llm_proposer_pool_with_broken_answers(tmp_path: Path) -> None:
    model = ScriptedModel(pool_script)

    def spec_check(spec: ToolSpec) -> list[str]:
        props = spec.properties.values()
        return ["spec.unclear: TODO"] if any(p.get("description") == "TODO" for p in props) else []

    builder = PoolBuilder(
        make_proposer("llm", model=model), spec_check=spec_check, compile_check=lambda s: []
    )
    stats = builder.build([], tmp_path / "pool.jsonl", 3)
    assert stats.size == 3
    assert {e.domain for e in builder.pool} == {
        "travel/hotels",
        "travel/flights",
        "weather/forecasts",
    }
    assert {e.provenance["generator"] for e in builder.pool} == {"llm"}
    # the third round stops at its first tool: the target is reached
    assert stats.rejected["spec.unclear"] == 2 and stats.rejected["invalid"] == 2
    assert stats.rejected["no_answer"] >= 2  # invalid JSON and a wrong shape


def test_unusable_domain_tree_falls_back_to_the_built_in_one(tmp_path: Path) -> None:
    def script(messages: list[dict[str, str]]) -> str:
        if messages[-1]["content"].startswith("From these seed APIs"):
            raise JudgeError("HTTP 500 after 3 attempts")
        return "[]"

    builder = PoolBuilder(
        make_proposer("llm", model=ScriptedModel(script)),
        spec_check=lambda s: [],
        compile_check=lambda s: [],
    )
    stats = builder.build([], tmp_path / "pool.jsonl", 1)
    assert stats.stalled and "HTTP 500" in stats.examples["no_answer"]


class DialogScript:
    """Plays a model: writes the user's request with the values it was given, and as the
    assistant calls exactly those (or, once in a while, answers garbage)."""

    def __init__(self) -> None:
        self.wanted: dict[str, list[dict[str, Any]]] = {}
        self.turns = 0

    def __call__(self, messages: list[dict[str, str]]) -> str:
        system, ask = messages[0]["content"], messages[-1]["content"]
        if system.startswith("You play the user"):
            wanted = orjson.loads(
                ask.split("tool uses (", 1)[1]
                .split("): ", 1)[1]
                .rsplit(". State every value", 1)[0]
            )
            text = "Please do this: " + "; ".join(
                f"{w['tool']} with " + ", ".join(f"{k} {v}" for k, v in w["values"].items())
                for w in wanted
            )
            self.wanted[text] = wanted
            return text
        self.turns += 1
        last = ask.splitlines()[-1]
        if self.turns % 5 == 0:
            return "{not json"
        if last.startswith("user: "):
            calls = [{"name": w["tool"], "arguments": w["values"]} for w in self.wanted[last[6:]]]
            return orjson.dumps({"calls": calls}).decode()
        return '{"answer": "Here is what the tools returned."}'


def test_llm_agents_play_dialogs_and_broken_turns_are_counted(tmp_path: Path) -> None:
    script = DialogScript()
    model = ScriptedModel(script)
    gen = DialogGenerator(
        POOL,
        agents=LLMAgents(model),
        tool_agent=FakeToolAgent(),
        verify=FakeVerify(),
        controller=ComplexityController({"single": 1, "parallel": 1}, max_steps=1),
    )
    stats = gen.run(tmp_path / "d.jsonl", 8)
    assert stats.written == 8
    assert stats.failed_generation["invalid_json"] > 0
    for line in (tmp_path / "d.jsonl").read_bytes().splitlines():
        record = orjson.loads(line)
        assert record["meta"]["provenance"]["generator"] == "llm"
        user = record["messages"][1]["content"]
        assert user.startswith("Please do this:")


def test_assistant_answers_of_the_wrong_shape_fail_the_attempt() -> None:
    specs = [e.spec() for e in POOL]
    step = Step("single", [[("search_items", {"city": "Paris"})]])
    history = [Message("user", "Find items in Paris")]
    for answer, reason in [
        ("[1, 2]", "bad_shape"),
        ('{"calls": []}', "bad_shape"),
        ('{"calls": [{"name": 3}]}', "bad_shape"),
        ("", "invalid_json"),
    ]:
        agents = LLMAgents(ScriptedModel(functools.partial(lambda a, m: a, answer)))
        with pytest.raises(GenerationFailed) as info:
            agents.assistant_turn(step, history, specs, 0, False, random.Random(0))
        assert info.value.reason == reason
    calls = '{"calls": [{"name": "search_items", "arguments": {"city": "Paris"}}]}'
    turn = LLMAgents(ScriptedModel(lambda m: calls)).assistant_turn(
        step, history, specs, 0, False, random.Random(0)
    )
    assert turn.calls == [("search_items", {"city": "Paris"})]


def test_user_prompt_hides_the_value_to_clarify_and_the_linked_one() -> None:
    model = ScriptedModel(lambda m: "Hi")
    agents = LLMAgents(model)
    specs = [e.spec() for e in POOL]
    step = Step(
        "clarify", [[("create_item", {"city": "Oslo", "date": "2025-01-02"})]], missing="date"
    )
    agents.user_request(step, specs, random.Random(0))
    prompt = model.asked[-1][-1]["content"]
    assert "Oslo" in prompt and "2025-01-02" not in prompt
    with pytest.raises(GenerationFailed, match="wrote nothing"):
        LLMAgents(ScriptedModel(lambda m: "  ")).user_request(step, specs, random.Random(0))
