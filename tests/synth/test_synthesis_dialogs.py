"""Dialog generation over a pool, with a plain-function mock and verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from synth import (
    ComplexityController,
    DialogGenerator,
    ToolResult,
    generator_names,
    make_agents,
    parse_mix,
    toolsets,
)
from tests.synth.synth_fakes import POOL, FakeToolAgent, FakeVerify, entry
from toolspec.errors import ConfigError, DatasetError
from verifier import parse_python_calls


def generator(**kw: Any) -> DialogGenerator:
    return DialogGenerator(
        POOL,
        agents=make_agents("offline"),
        tool_agent=kw.pop("tool_agent", FakeToolAgent()),
        verify=kw.pop("verify", FakeVerify()),
        **kw,
    )


def read(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_every_pattern_appears_and_tool_turns_are_executed(tmp_path: Path) -> None:
    agent = FakeToolAgent()
    gen = generator(tool_agent=agent)
    stats = gen.run(tmp_path / "d.jsonl", 60)
    records = read(tmp_path / "d.jsonl")
    assert len(records) == 60 == stats.written
    assert set(stats.patterns) == {
        "single",
        "parallel",
        "dependent",
        "clarify",
        "non_tool",
        "tool_free",
    }
    executed = iter(agent.log)
    for record in records:
        for m in record["messages"]:
            if m["role"] == "tool":
                content = orjson.loads(m["content"])
                assert content["tool"] == m["name"]  # the mock's own answer, verbatim
    assert sum(1 for _ in executed) >= sum(
        1 for r in records for m in r["messages"] if m["role"] == "tool"
    )


def test_dependent_call_takes_its_value_from_the_first_output(tmp_path: Path) -> None:
    gen = generator(controller=ComplexityController({"dependent": 1}, max_steps=1))
    gen.run(tmp_path / "d.jsonl", 10)
    for record in read(tmp_path / "d.jsonl"):
        calls = [m for m in record["messages"] if m.get("tool_calls")]
        assert len(calls) == 2
        second = orjson.loads(calls[1]["tool_calls"][0]["function"]["arguments"])
        first_output = next(m for m in record["messages"] if m["role"] == "tool")["content"]
        linked = [v for v in second.values() if isinstance(v, str) and v in first_output]
        assert linked, record
        # The id exists only in the first call's output: no user turn states it.
        users = " ".join(m["content"] for m in record["messages"] if m["role"] == "user")
        assert not [v for v in linked if v in users], record


def test_tool_free_dialogs_have_no_call_and_say_what_the_tools_can_do(tmp_path: Path) -> None:
    gen = generator(controller=ComplexityController({"tool_free": 1, "single": 0.01}))
    gen.run(tmp_path / "d.jsonl", 20)
    free = [r for r in read(tmp_path / "d.jsonl") if r["meta"]["patterns"] == ["tool_free"]]
    assert len(free) >= 15
    for record in free:
        roles = [m["role"] for m in record["messages"]]
        assert roles == ["system", "user", "assistant"], roles
        answer = record["messages"][2]["content"]
        assert "can't" in answer or "outside" in answer or "no tool" in answer
        assert any(w in answer for w in ("create item", "get item", "search items", "handle"))
        assert record["tools"]  # the tools are offered; none of them fits


def test_answers_state_the_output_values_in_sentences(tmp_path: Path) -> None:
    gen = generator(controller=ComplexityController({"single": 1}, max_steps=1))
    gen.run(tmp_path / "d.jsonl", 20)
    records = read(tmp_path / "d.jsonl")
    finals = [r["messages"][-1]["content"] for r in records]
    assert not [f for f in finals if "returned" in f or f.startswith("Done.")]
    assert sum("IT-12345" in f for f in finals) >= 5  # the id the mock answered
    firsts = [r["messages"][1]["content"] for r in records]
    assert len(set(firsts)) == len(firsts)


def test_clarification_asks_then_calls_with_the_answer(tmp_path: Path) -> None:
    gen = generator(controller=ComplexityController({"clarify": 1}, max_steps=1))
    gen.run(tmp_path / "d.jsonl", 5)
    for record in read(tmp_path / "d.jsonl"):
        roles = [m["role"] for m in record["messages"]]
        assert roles == ["system", "user", "assistant", "user", "assistant", "tool", "assistant"]
        assert (
            record["messages"][2]["content"].endswith("?")
            or "need the" in record["messages"][2]["content"]
        )
        args = orjson.loads(record["messages"][4]["tool_calls"][0]["function"]["arguments"])
        reply = record["messages"][3]["content"]
        assert any(str(v) in reply for v in args.values())


def test_only_passing_dialogs_are_written(tmp_path: Path) -> None:
    verify = FakeVerify(lambda r: int(r["id"].rsplit("-", 1)[1]) % 2 == 0)
    stats = generator(verify=verify).run(tmp_path / "d.jsonl", 20)
    ids = [int(r["id"].rsplit("-", 1)[1]) for r in read(tmp_path / "d.jsonl")]
    assert len(ids) == 20 and all(i % 2 == 0 for i in ids)
    assert stats.failed_codes["x.fail"] > 0
    assert 0 < stats.pass_rate < 1


def test_a_failed_execution_ends_the_attempt(tmp_path: Path) -> None:
    def refuse_search(name: str, args: dict[str, Any]) -> ToolResult:
        if name == "search_items":
            return ToolResult(False, error="not found")
        return ToolResult(True, {"item_id": "IT-12345", **args})

    stats = generator(tool_agent=FakeToolAgent(refuse_search)).run(tmp_path / "d.jsonl", 20)
    text = (tmp_path / "d.jsonl").read_text()
    assert "search_items" not in text.replace('"name":"search_items"', "")
    assert stats.failed_generation["exec"] > 0


def test_resume_writes_what_one_run_would(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    generator().run(one, 30)
    generator().run(two, 12)
    stats = generator().run(two, 30)
    assert stats.resumed == 12
    assert one.read_bytes() == two.read_bytes()
    assert generator().run(two, 30).attempts == 0


def test_a_foreign_output_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    out.write_text('{"messages": []}\n')
    with pytest.raises(DatasetError, match="not a dialog this command wrote"):
        generator().run(out, 3)


def test_toolace_format(tmp_path: Path) -> None:
    verify = FakeVerify()
    generator(verify=verify, format="toolace").run(tmp_path / "d.jsonl", 10)
    assert verify.formats == {"toolace"}
    calls = 0
    for record in read(tmp_path / "d.jsonl"):
        assert "Here is a list of functions in JSON format" in record["system"]
        froms = [m["from"] for m in record["conversations"]]
        assert set(froms) <= {"user", "assistant", "tool"}
        for m in record["conversations"]:
            if m["from"] == "tool":
                assert all({"name", "results"} <= set(x) for x in orjson.loads(m["value"]))
            elif m["from"] == "assistant" and m["value"].startswith("["):
                calls += len(parse_python_calls(m["value"]))  # the verifier's parser reads it
    assert calls > 0


def test_stops_short_when_nothing_passes(tmp_path: Path) -> None:
    stats = generator(verify=FakeVerify(lambda r: False)).run(
        tmp_path / "d.jsonl", 5, max_attempts=40
    )
    assert stats.stalled and stats.written == 0 and stats.attempts == 40


def test_settings_fail_with_the_known_names() -> None:
    with pytest.raises(ConfigError, match="known formats: openai, toolace"):
        generator(format="sharegpt")
    with pytest.raises(ConfigError, match="known: single, parallel"):
        parse_mix("single=1,chaos=2")
    with pytest.raises(ConfigError, match="at least one"):
        parse_mix("single=0")
    assert parse_mix("single=2, parallel=1") == {"single": 2.0, "parallel": 1.0}
    with pytest.raises(ConfigError, match="known generators: llm, offline"):
        make_agents("gpt")
    assert generator_names() == ["llm", "offline"]
    with pytest.raises(DatasetError, match="no tools"):
        DialogGenerator(
            [], agents=make_agents("offline"), tool_agent=FakeToolAgent(), verify=FakeVerify()
        )


def test_toolsets_group_by_domain_in_fixed_chunks() -> None:
    groups = toolsets(POOL * 1, size=2)
    assert [(d, [s.name for s in specs]) for d, specs in groups] == [
        ("travel/lodging", ["create_item", "get_item_details"]),
        ("travel/lodging", ["search_items"]),
    ]


def test_concurrent_attempts_write_what_sequential_ones_do(tmp_path: Path) -> None:
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    generator().run(one, 40)
    generator(concurrency=4).run(many, 40)
    assert one.read_bytes() == many.read_bytes()


def test_a_dialog_the_file_holds_is_not_written_again(tmp_path: Path) -> None:
    # One tool, one required enum value, no optional parameter: few distinct dialogs.
    pool = [
        entry(
            "set_mode",
            {"mode": {"type": "string", "enum": ["on", "off"], "description": "Mode to set."}},
            ["mode"],
            "home/devices",
        )
    ]
    controller = ComplexityController({"single": 1}, max_steps=1)

    def small(**kw: Any) -> DialogGenerator:
        return DialogGenerator(
            pool,
            agents=make_agents("offline"),
            tool_agent=FakeToolAgent(),
            verify=FakeVerify(),
            controller=controller,
            **kw,
        )

    out = tmp_path / "d.jsonl"
    first = small().run(out, 100, max_attempts=2000)
    assert first.failed_generation["duplicate"] > 0
    again = small().run(out, 110, max_attempts=2000)
    digests = [r["meta"]["digest"] for r in read(out)]
    assert len(digests) == len(set(digests))
    assert again.failed_generation["duplicate"] > 0


def test_hostile_pool_tools_cost_only_themselves(tmp_path: Path) -> None:
    deep: dict[str, Any] = {"type": "string", "description": "Leaf."}
    for _ in range(400):
        deep = {
            "type": "object",
            "description": "Level.",
            "properties": {"x": deep},
            "required": ["x"],
        }
    hostile = [
        entry("deep_tool", {"x": deep}, ["x"], "odd/deep"),
        entry("ref_tool", {"x": {"$ref": "#/nowhere"}}, ["x"], "odd/ref"),
        entry("typo_tool", {"x": {"type": "strng", "description": "X."}}, ["x"], "odd/typo"),
        *POOL,
    ]
    gen = DialogGenerator(
        hostile, agents=make_agents("offline"), tool_agent=FakeToolAgent(), verify=FakeVerify()
    )
    stats = gen.run(tmp_path / "d.jsonl", 10)
    assert stats.written == 10
    names = {t["function"]["name"] for r in read(tmp_path / "d.jsonl") for t in r["tools"]}
    assert names == {e.name for e in POOL}
