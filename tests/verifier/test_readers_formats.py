"""Each reader on real (or, where said in SOURCE.md, constructed) records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier import Sample, Turn, read_dataset

DATASETS = Path(__file__).resolve().parents[1] / "data" / "datasets"


def _samples(name: str, fmt: str = "auto") -> list[Sample]:
    dataset = read_dataset(DATASETS / name, fmt)
    return list(dataset)


def _roles(sample: Sample) -> list[str]:
    return [t.role for t in sample.turns]


def _calls(sample: Sample) -> list[tuple[str, dict[str, object] | None]]:
    return [(c.name, c.arguments) for t in sample.turns for c in t.calls]


def _codes(sample: Sample) -> list[str]:
    return [f.code for f in sample.findings]


def test_sharegpt_toolace_conversion_reads_tools_from_the_system_prompt() -> None:
    samples = _samples("toolace_sharegpt_8.json")
    first = samples[0]
    assert first.format == "sharegpt" and first.id == "0" and first.index == 0
    assert [t.name for t in first.tools][:3] == [
        "newAddress",
        "Market Trends API",
        "Get Futures Prices",
    ]
    assert first.tools[1].dialect == "toolace"
    assert _roles(first)[:5] == ["system", "user", "assistant", "tool", "assistant"]
    # the truncated name "API" of the third-party conversion is kept as it is
    assert _calls(first)[0] == ("API", {"trend_type": "MARKET_INDEXES", "country": "us"})
    # a ToolACE-style observation pairs its response with the full tool name
    assert first.turns[3].name == "Market Trends API"
    assert json.loads(first.turns[3].content or "")["trends"][0]["name"] == "S&P 500"
    assert all(not s.findings for s in samples)
    assert [c.name for c in first.turns[10].calls] == ["Filings", "API"]  # parallel calls


def test_sharegpt_glaive_demo_reads_the_tools_string() -> None:
    samples = _samples("glaive_toolcall_en_demo_8.json")
    first = samples[0]
    assert [t.name for t in first.tools] == ["search_recipes"]
    assert _roles(first) == [
        "user",
        "assistant",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
        "assistant",
    ]
    assert _calls(first) == [
        ("search_recipes", {"ingredients": ["chicken", "bell peppers", "rice"]})
    ]
    assert samples[1].tools == [] and _calls(samples[1]) == []  # a record without tools
    assert first.meta["call_syntax"] == "json"
    assert first.raw is not None and "conversations" in first.raw


def test_toolace_native_parses_python_call_syntax() -> None:
    samples = _samples("toolace_native_6.jsonl")
    first = samples[0]
    assert first.format == "toolace"
    assert _calls(first)[0] == (
        "Market Trends API",
        {"trend_type": "MARKET_INDEXES", "country": "us"},
    )
    assert any(t.name == "Market Trends API" for t in first.tools)
    assert _calls(samples[2])[0] == ("GetCompetitions", {})
    assert _calls(samples[4])[0] == ("/madlibs-diceware", {"nphrase": 2})
    assert all(not s.findings for s in samples)


def test_openai_tool_calls_ids_and_legacy_function_call() -> None:
    samples = _samples("openai_chat_9.jsonl")
    first = samples[0]
    assert first.id == "glaive-demo-0" and first.format == "openai"
    call_turn = next(t for t in first.turns if t.calls)
    assert call_turn.calls[0].id == "call_0_1"
    assert call_turn.calls[0].arguments == {"ingredients": ["chicken", "bell peppers", "rice"]}
    response = first.turns[first.turns.index(call_turn) + 1]
    assert response.role == "tool" and response.call_id == "call_0_1"
    legacy = samples[-1]
    assert [t.name for t in legacy.tools] == ["calculate_area", "calculate_discount"]
    assert _calls(legacy) == [("calculate_area", {"shape": "rectangle", "dimensions": [5, 3]})]
    assert legacy.turns[2] == Turn(role="tool", content='{"area": 15}', name="calculate_area")


def test_hermes_tools_calls_and_responses_json_and_repr() -> None:
    samples = _samples("hermes_8.jsonl")
    for sample in (samples[0], samples[3]):  # JSON style and Python-repr style
        assert sample.format == "hermes" and not sample.findings
        assert sample.tools and sample.tools[0].dialect == "hermes"
    assert _calls(samples[3])[0] == ("calculate_area", {"shape": "rectangle", "dimensions": [5, 3]})
    tool_turn = next(t for t in samples[3].turns if t.role == "tool")
    assert tool_turn.name == "calculate_area"


def test_glaive_raw_splits_the_chat_into_turns() -> None:
    samples = _samples("glaive_v2_raw_8.jsonl")
    first = samples[0]
    assert first.format == "glaive"
    assert _roles(first) == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
        "assistant",
    ]
    assert _calls(first) == [
        ("search_recipes", {"ingredients": ["chicken", "bell peppers", "rice"]})
    ]
    assert first.turns[5].content is not None and first.turns[5].content.startswith('{"recipes"')
    assert "<|endoftext|>" not in (first.turns[2].content or "")
    assert samples[1].tools == []
    assert [t.name for t in samples[3].tools] == ["calculate_area", "calculate_discount"]


def test_glaive_bad_arguments_are_unparsable_with_position() -> None:
    from verifier._readers._glaive import GlaiveReader

    record = {
        "system": "SYSTEM: You are a helpful assistant, with no access to external functions.",
        "chat": "USER: hi\n\n\nASSISTANT: <functioncall> "
        + '{"name": "f", "arguments": \'{"a": }\'} <|endoftext|>',
    }
    sample = GlaiveReader().read(record, 0)
    assert _codes(sample) == ["call.unparsable"]
    assert sample.findings[0].turn == 2
    assert "character 6" in sample.findings[0].message
    assert sample.turns[2].calls == [] or sample.turns[2].calls[0].arguments is None


def test_xlam_one_user_and_one_assistant_turn_without_responses() -> None:
    samples = _samples("xlam_5.jsonl")
    first = samples[0]
    assert first.format == "xlam" and first.id == "0"
    assert _roles(first) == ["user", "assistant"]
    assert _calls(first) == [
        ("calculate_triangle_area", {"base": 10, "height": 5, "unit": "units"})
    ]
    assert first.meta["responses"] is False
    assert first.tools[0].dialect == "xlam"
    assert not any(f.code.startswith("dialog.") for s in samples for f in s.findings)


def test_bfcl_questions_and_functions() -> None:
    simple = _samples("BFCL_v4_simple_python_5.jsonl")
    assert simple[0].id == "simple_python_0" and simple[0].format == "bfcl"
    assert _roles(simple[0]) == ["user"]
    assert simple[0].tools[0].name == "calculate_triangle_area"
    assert simple[0].tools[0].dialect == "bfcl"
    assert simple[0].meta["responses"] is False and _calls(simple[0]) == []
    live = _samples("BFCL_v4_live_irrelevance_3.jsonl")
    assert all("system" in _roles(s) for s in live)
    multi = _samples("BFCL_v4_multi_turn_miss_func_2.jsonl")
    assert multi[0].tools == [] and multi[0].meta["involved_classes"]
    # one entry per question step; an empty step (where BFCL adds a function) has no turns
    steps = multi[0].meta["steps"]
    assert len(steps) == len(multi[0].raw["question"])
    assert steps[3] == steps[4]


def test_invalid_tool_is_a_finding_and_left_out() -> None:
    from verifier._readers._sharegpt import ShareGPTReader

    record = {
        "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}],
        "tools": json.dumps(
            [{"name": "ok", "parameters": {"type": "object"}}, {"description": "no name"}, 7]
        ),
    }
    sample = ShareGPTReader().read(record, 3)
    assert [t.name for t in sample.tools] == ["ok"]
    assert _codes(sample) == ["spec.invalid_schema", "spec.invalid_schema"]
    assert "tool 1" in sample.findings[0].message


def test_unparsable_function_call_is_a_finding_on_its_turn() -> None:
    from verifier._readers._sharegpt import ShareGPTReader

    record = {
        "conversations": [
            {"from": "human", "value": "hi"},
            {"from": "function_call", "value": '{"name": "f", "arguments": {"a": 1'},
            {"from": "observation", "value": "{}"},
        ],
        "tools": "[]",
    }
    sample = ShareGPTReader().read(record, 0)
    assert _codes(sample) == ["call.unparsable"]
    assert sample.findings[0].turn == 1
    assert sample.turns[1].role == "assistant" and sample.turns[1].calls == []


def test_openai_bad_arguments_string_is_unparsable() -> None:
    from verifier._readers._openai import OpenAIReader

    record = {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "function": {"name": "f", "arguments": "{not json"}},
                    {"id": "c2", "function": {"name": "g", "arguments": "[1]"}},
                ],
            },
        ],
        "tools": [],
    }
    sample = OpenAIReader().read(record, 0)
    assert _codes(sample) == ["call.unparsable", "call.unparsable"]
    assert [f.call for f in sample.findings] == [0, 1]
    assert [c.arguments for c in sample.turns[1].calls] == [None, None]


def test_identical_tool_lists_are_imported_once() -> None:
    samples = _samples("hermes_8.jsonl") + _samples("hermes_8.jsonl")
    first, again = samples[0].tools[0], samples[8].tools[0]
    assert first is again  # the same ToolSpec object: the cache served it


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("toolace_sharegpt_8.json", "sharegpt"),
        ("glaive_toolcall_en_demo_8.json", "sharegpt"),
        ("toolace_native_6.jsonl", "toolace"),
        ("openai_chat_9.jsonl", "openai"),
        ("hermes_8.jsonl", "hermes"),
        ("glaive_v2_raw_8.jsonl", "glaive"),
        ("xlam_5.jsonl", "xlam"),
        ("BFCL_v4_simple_python_5.jsonl", "bfcl"),
        ("BFCL_v4_multi_turn_miss_func_2.jsonl", "bfcl"),
        ("BFCL_v4_live_irrelevance_3.jsonl", "bfcl"),
    ],
)
def test_detection_on_every_dataset(name: str, fmt: str) -> None:
    dataset = read_dataset(DATASETS / name)
    assert (dataset.format, dataset.detected) == (fmt, True)
    given = read_dataset(DATASETS / name, fmt)
    assert (given.format, given.detected) == (fmt, False)
    samples = list(dataset)
    assert [s.index for s in samples] == list(range(len(samples)))
    assert not any(f.code == "sample.unreadable" for s in samples for f in s.findings)


def test_sharegpt_system_prompt_list_is_compared_with_declared_tools() -> None:
    """A record whose system prompt lists other tools than its ``tools`` is inconsistent."""
    from verifier import check_rules, get_reader

    tool = '{"name": "%s", "description": "A tool.", "parameters": {"type": "object"}}'
    record = {
        "system": "Here is a list of functions in JSON format that you can invoke:\n["
        + tool % "lookup"
        + "]\nUse them well.",
        "tools": "[" + tool % "search" + "]",
        "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}],
    }
    sample = get_reader("sharegpt").read(record, 0)
    assert sample.meta["system_tools"] == ["lookup"]
    (finding,) = [f for f in check_rules(sample) if f.code == "sample.inconsistent"]
    assert "`lookup`" in finding.message and "`search`" in finding.message
