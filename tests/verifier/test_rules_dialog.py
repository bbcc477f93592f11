"""The rule layer's dialog and consistency checks, and duplicate detection."""

from __future__ import annotations

from typing import Any

import pytest

from toolspec import ToolSpec
from verifier import Sample, ToolCall, Turn, check_rules
from verifier._rules import DuplicateTracker

SEARCH = ToolSpec(
    name="Market Trends API",
    description="Latest market trends for a country.",
    parameters={
        "type": "object",
        "properties": {"trend_type": {"type": "string", "description": "Which trend list"}},
        "required": ["trend_type"],
    },
)
NEWS = ToolSpec(
    name="Get News",
    description="Financial news of the day.",
    parameters={"type": "object", "properties": {}},
)
ARGS = {"trend_type": "GAINERS"}


def make(turns: list[Turn], meta: dict[str, Any] | None = None, index: int = 0) -> Sample:
    return Sample(
        index=index, id=f"r{index}", format="openai", tools=[SEARCH, NEWS], turns=turns,
        meta=meta or {},
    )  # fmt: skip


def call(name: str = "Market Trends API", id: str | None = "c1") -> ToolCall:
    return ToolCall(name, dict(ARGS) if name == SEARCH.name else {}, id)


def codes(s: Sample) -> list[str]:
    return [f.code for f in check_rules(s)]


USER = Turn("user", "What are today's gainers?")
ANSWER = Turn("assistant", "Here they are.")


def test_well_formed_dialog_passes() -> None:
    s = make([Turn("system", "You help."), USER, Turn("assistant", None, [call()]),
              Turn("tool", "[]", name=SEARCH.name, call_id="c1"), ANSWER])  # fmt: skip
    assert check_rules(s) == []


def test_call_without_response_before_the_next_turn() -> None:
    s = make([USER, Turn("assistant", None, [call()]), Turn("user", "And?"), ANSWER])
    findings = check_rules(s)
    assert [f.code for f in findings] == ["dialog.structure"]
    assert (findings[0].turn, findings[0].call) == (1, 0)
    assert "got no tool response" in findings[0].message


def test_dialog_ending_on_a_call_is_a_training_target() -> None:
    assert codes(make([USER, Turn("assistant", None, [call()])])) == []


def test_formats_without_responses_need_none() -> None:
    s = make([USER, Turn("assistant", None, [call()]), Turn("user", "Thanks"), ANSWER],
             meta={"responses": False})  # fmt: skip
    assert codes(s) == []
    with_responses = make(s.turns)
    assert codes(with_responses) == ["dialog.structure"]


def test_response_without_a_call() -> None:
    s = make([USER, Turn("tool", "{}", name=SEARCH.name), ANSWER])
    findings = check_rules(s)
    assert [f.code for f in findings] == ["dialog.structure"]
    assert findings[0].turn == 1 and "follows no call" in findings[0].message


def test_empty_turns_and_missing_user() -> None:
    s = make([Turn("user", "  "), Turn("assistant", "")])
    assert codes(s) == ["dialog.structure", "dialog.structure"]
    s = make([Turn("assistant", "Hello")])
    messages = [f.message for f in check_rules(s)]
    assert any("starts with an assistant turn" in m for m in messages)
    assert any("no user turn" in m for m in messages)
    assert codes(make([])) == ["dialog.structure"]


def test_response_to_an_unknown_call_id() -> None:
    s = make([USER, Turn("assistant", None, [call()]),
              Turn("tool", "{}", name=SEARCH.name, call_id="c9"), ANSWER])  # fmt: skip
    found = check_rules(s)
    assert [f.code for f in found] == ["dialog.call_mismatch", "dialog.structure"]
    assert "'c9'" in found[0].message


def test_response_name_differs_from_the_called_tool() -> None:
    s = make([USER, Turn("assistant", None, [call()]),
              Turn("tool", "{}", name="Get News"), ANSWER])  # fmt: skip
    found = check_rules(s)
    assert [f.code for f in found] == ["dialog.call_mismatch"]
    assert "from `Get News` but answers a call to `Market Trends API`" in found[0].message


def test_more_responses_than_calls() -> None:
    s = make([USER, Turn("assistant", None, [call(id=None)]), Turn("tool", "{}"),
              Turn("tool", "{}"), ANSWER])  # fmt: skip
    found = check_rules(s)
    assert [f.code for f in found] == ["dialog.call_mismatch"]
    assert found[0].turn == 3


def test_parallel_calls_answered_out_of_order_by_name() -> None:
    s = make([USER, Turn("assistant", None, [call(id=None), call("Get News", id=None)]),
              Turn("tool", "{}", name="Get News"), Turn("tool", "{}", name=SEARCH.name),
              ANSWER])  # fmt: skip
    assert check_rules(s) == []


def test_system_prompt_tool_list_disagrees_with_tools() -> None:
    turns = [USER, ANSWER]
    assert codes(make(turns, meta={"system_tools": [SEARCH.name, NEWS.name]})) == []
    found = check_rules(make(turns, meta={"system_tools": [SEARCH.name, "Weather"]}))
    assert [f.code for f in found] == ["sample.inconsistent"]
    assert "`Weather`" in found[0].message and "`Get News`" in found[0].message


def test_response_body_naming_another_declared_tool() -> None:
    """The ToolACE conversion defect: the call names `API`, the observation the real tool."""
    body = '[{"name": "Market Trends API", "results": {"trends": []}}]'
    s = make([USER, Turn("assistant", None, [ToolCall("API", dict(ARGS))]),
              Turn("tool", body), ANSWER])  # fmt: skip
    assert sorted(codes(s)) == ["call.unknown_tool", "sample.inconsistent"]
    ok = make([USER, Turn("assistant", None, [call(id=None)]), Turn("tool", body), ANSWER])
    assert codes(ok) == []
    plain = '{"name": "Get News", "age": 3}'  # a "name" field in ordinary result data
    s = make([USER, Turn("assistant", None, [call(id=None)]), Turn("tool", plain), ANSWER])
    assert codes(s) == []


def test_duplicate_tracker_reports_repeats_only() -> None:
    turns = [USER, Turn("assistant", None, [call()]), Turn("tool", "{}", call_id="c1"), ANSWER]
    tracker = DuplicateTracker()
    assert tracker.check(make(turns, index=0)) is None
    renumbered = [USER, Turn("assistant", None, [call(id="x7")]),
                  Turn("tool", "{}", call_id="x7"), ANSWER]  # fmt: skip
    dup = tracker.check(make(renumbered, index=1))
    assert dup is not None and dup.code == "sample.inconsistent"
    assert "record 0" in dup.message
    different = [USER, Turn("assistant", "No tools needed.")]
    assert tracker.check(make(different, index=2)) is None


def test_duplicate_tracker_memory_is_bounded() -> None:
    tracker = DuplicateTracker(max_entries=2)
    samples = [make([Turn("user", f"question {i}"), ANSWER], index=i) for i in range(3)]
    for s in samples:
        assert tracker.check(s) is None
    assert len(tracker) == 2
    assert tracker.check(samples[0]) is not None  # the first two are remembered
    assert tracker.check(samples[2]) is None  # past the bound: no longer remembered


def test_duplicate_tracker_grows_its_table_and_keeps_every_entry() -> None:
    tracker = DuplicateTracker()
    samples = [make([Turn("user", f"question {i}"), ANSWER], index=i) for i in range(5000)]
    assert all(tracker.check(s) is None for s in samples)
    assert len(tracker) == 5000
    repeats = [tracker.check(s) for s in samples[::97]]
    assert all(f is not None and f"record {s.index}" in f.message
               for f, s in zip(repeats, samples[::97], strict=True))  # fmt: skip


def test_duplicate_tracker_fingerprints_a_lone_sample_only_when_a_second_comes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import verifier._rules._consistency as consistency

    digested: list[int] = []
    real = consistency.content_digest

    def counting(sample: Sample) -> int:
        digested.append(sample.index)
        return real(sample)

    monkeypatch.setattr(consistency, "content_digest", counting)
    tracker = DuplicateTracker()
    first = make([Turn("user", "same question"), ANSWER], index=0)
    assert tracker.check(first) is None and len(tracker) == 1
    assert digested == []  # a one-sample dataset costs no fingerprint
    again = tracker.check(make([Turn("user", "same question"), ANSWER], index=1))
    assert again is not None and "record 0" in again.message
    assert digested == [0, 1]
    assert len(DuplicateTracker(max_entries=0)) == 0
