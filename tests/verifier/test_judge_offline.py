"""The offline judge grounds every argument value and says where it found it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.verifier.judge_samples import dialog
from verifier import Sample, ToolCall, Turn
from verifier._judge import OfflineJudge
from verifier._judge._offline import MAX_VALUES


def _evidence(sample: Sample) -> dict[str, tuple[bool, str | None, str]]:
    verdict = OfflineJudge().judge(sample)
    return {e.path: (e.grounded, e.source, e.detail) for e in verdict.evidence}


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("What's the weather in Berlin?", {"city": "Berlin"}),
        ("weather in  NEW-YORK please", {"city": "new york"}),
        ("Weather in São Paulo", {"city": "Sao Paulo"}),
        ("Forecast for Paris for the next two days", {"city": "Paris", "days": 2}),
        ("Paris, 1,000 samples", {"city": "Paris", "days": 1000}),
        ("Paris, 5 km radius", {"city": "Paris", "days": 5}),
        ("Paris, 1.5 million", {"city": "Paris", "days": 1500000}),
        ("Paris with a 20% margin", {"city": "Paris", "days": 0.2}),
        ("Paris with a 20% margin", {"city": "Paris", "days": 20}),
        ("Paris, twenty-five days", {"city": "Paris", "days": 25}),
        ("Paris, radius 5 kilometers", {"city": "Paris", "extra": "5 km"}),
        ("Paris, cost $1,200", {"city": "Paris", "extra": "1200 USD"}),
        ("Paris on March 5th, 2024", {"city": "Paris", "extra": "2024-03-05"}),
        ("Paris on 2024-03-05", {"city": "Paris", "extra": "March 5, 2024"}),
        ("Paris on 05/03/2024", {"city": "Paris", "extra": "2024-03-05"}),
        ("Paris on 05/03/2024", {"city": "Paris", "extra": "2024-05-03"}),
        (
            "Paris on the 5th of March 2024 at 3 pm",
            {"city": "Paris", "extra": "2024-03-05T15:00:00"},
        ),
        ("Paris in fahrenheit", {"city": "Paris", "unit": "fahrenheit"}),
        ("Paris", {"city": "Paris", "unit": "celsius"}),
        ("Paris", {"city": "Paris", "detailed": True}),
        ("Paris", {"city": "Paris", "days": 1}),
        ("Paris", {"city": "Paris", "extra": ""}),
        ("Paris, a mix of cases", {"city": "Paris", "extra": "mixed case"}),
        ("Paris at 10 AM", {"city": "Paris", "extra": "10:00"}),
        ("Paris, and rent is 500000 minus my 100000 deposit", {"city": "Paris", "days": 400000}),
    ],
)
def test_grounded_values_raise_nothing(user: str, args: dict[str, Any]) -> None:
    verdict = OfflineJudge().judge(dialog(user, args))
    assert verdict.findings == []
    assert all(e.grounded for e in verdict.evidence)
    assert {e.path for e in verdict.evidence} == {f"/{k}" for k in args}


def test_evidence_names_the_place() -> None:
    sample = dialog(
        "Weather for my office city please",
        {"city": "Lisbon", "unit": "celsius", "detailed": False, "days": 3},
        system="The user's office is in Lisbon.",
        tool_out='{"forecast_days": 3}',
    )
    ev = _evidence(sample)
    assert ev["/city"][:2] == (True, "system prompt")
    assert ev["/unit"][:2] == (True, "spec default")
    assert ev["/detailed"][0] is True
    assert ev["/days"][:2] == (True, "tool output turn 3")


def test_enum_value_is_grounded_by_the_spec() -> None:
    ev = _evidence(dialog("Paris", {"city": "Paris", "unit": "fahrenheit"}))
    assert ev["/unit"][:2] == (True, "enum")


def test_hallucinated_city_is_an_error_with_path_turn_and_evidence() -> None:
    verdict = OfflineJudge().judge(dialog("What's the weather in Paris?", {"city": "Berlin"}))
    [finding] = verdict.findings
    assert finding.code == "judge.hallucinated_value"
    assert finding.severity == "error"
    assert finding.layer == "judge"
    assert (finding.turn, finding.call, finding.path) == (1, 0, "/city")
    assert "'Berlin'" in finding.message and "/city" in finding.message
    assert "not in the user's words, the system prompt or earlier tool output" in finding.message


def test_a_number_nobody_said_is_an_error() -> None:
    verdict = OfflineJudge().judge(dialog("Weather in Paris", {"city": "Paris", "days": 7}))
    assert [(f.code, f.path, f.severity) for f in verdict.findings] == [
        ("judge.hallucinated_value", "/days", "error")
    ]


def test_nested_values_get_json_pointer_paths() -> None:
    args = {"city": "Paris", "stops": [{"name": "Lyon"}, {"name": "Nice"}], "a/b": {"c~d": "Rome"}}
    verdict = OfflineJudge().judge(dialog("Paris via Lyon", args))
    paths = {f.path for f in verdict.findings}
    assert paths == {"/stops/1/name", "/a~1b/c~0d"}


def test_later_tool_output_does_not_ground_an_earlier_call() -> None:
    sample = dialog("What's the weather?", {"city": "Oslo"})
    sample.turns.append(Turn(role="tool", content='{"city": "Oslo"}'))
    assert [f.path for f in OfflineJudge().judge(sample).findings] == ["/city"]


def test_earlier_tool_output_grounds_a_later_call() -> None:
    sample = dialog(
        "Weather where my order ships", {"city": "Oslo"}, tool_out='{"ship_to": "Oslo"}'
    )
    assert OfflineJudge().judge(sample).findings == []


def test_relative_dates_are_not_resolved_only_flagged_as_warnings() -> None:
    verdict = OfflineJudge().judge(
        dialog("Paris tomorrow", {"city": "Paris", "extra": "2024-03-06"})
    )
    [finding] = verdict.findings
    assert finding.severity == "warning"
    assert "tomorrow" in finding.message
    assert not verdict.evidence[1].grounded


def test_an_unstated_date_without_relative_words_is_an_error() -> None:
    verdict = OfflineJudge().judge(dialog("Paris please", {"city": "Paris", "extra": "2024-03-06"}))
    assert [f.severity for f in verdict.findings] == ["error"]


def test_codes_for_named_things_are_warnings() -> None:
    verdict = OfflineJudge().judge(dialog("Translate to French", {"city": "fr"}))
    assert [(f.path, f.severity) for f in verdict.findings] == [("/city", "warning")]


def test_free_text_needs_half_its_words() -> None:
    note = "please remember to buy fresh milk eggs bread and coffee beans tomorrow morning"
    user = "Add a note: buy milk, eggs, bread and coffee beans in the morning"
    assert OfflineJudge().judge(dialog(user, {"city": note})).findings == []


def test_calls_without_arguments_and_unknown_tools_do_not_crash() -> None:
    sample = Sample(
        index=0,
        id="x",
        format="test",
        turns=[
            Turn(role="user", content="hi"),
            Turn(role="assistant", calls=[ToolCall("nope", None), ToolCall("other", {"q": "hi"})]),
        ],
    )
    verdict = OfflineJudge().judge(sample)
    assert verdict.findings == []
    assert [(e.turn, e.call, e.path, e.source) for e in verdict.evidence] == [
        (1, 1, "/q", "user turn 0")
    ]


def test_provenance_names_the_rules_version() -> None:
    verdict = OfflineJudge().judge(dialog("Paris", {"city": "Paris"}))
    assert verdict.provenance == {
        "judge": "offline",
        "judge_model": None,
        "prompt_version": "offline-1",
    }


def test_hostile_arguments_become_findings_not_crashes() -> None:
    deep: dict[str, Any] = {"city": "Paris"}
    for _ in range(5000):
        deep = {"x": deep}
    args = {
        "deep": deep,
        "huge": 10**400,
        "nan": float("nan"),
        "blob": "z" * 1_000_000,
        "empty": {},
        "list": [],
    }
    verdict = OfflineJudge().judge(dialog("Paris", args))
    flagged = {f.path for f in verdict.findings if f.code == "judge.hallucinated_value"}
    assert flagged == {"/huge", "/nan", "/blob"}
    assert "/deep" + "/x" * 5000 + "/city" in {e.path for e in verdict.evidence}
    [blob] = [e.value for e in verdict.evidence if e.path == "/blob"]
    assert blob.endswith("… [1000000 characters]") and len(blob) < 400


def test_too_many_values_are_reported_not_silently_skipped() -> None:
    args = {"items": [f"Paris {i}" for i in range(MAX_VALUES + 5)]}
    verdict = OfflineJudge().judge(dialog("Paris 1 2 3", args))
    assert len(verdict.evidence) == MAX_VALUES
    [warning] = [f for f in verdict.findings if f.code == "judge.unavailable"]
    assert warning.severity == "warning" and f"more than {MAX_VALUES}" in warning.message


def test_a_season_for_this_season_is_a_warning() -> None:
    verdict = OfflineJudge().judge(
        dialog("Standings in Paris this season", {"city": "Paris", "extra": "2026/2027"})
    )
    assert [(f.path, f.severity) for f in verdict.findings] == [("/extra", "warning")]


def test_ordinary_short_words_are_not_codes() -> None:
    verdict = OfflineJudge().judge(dialog("Weather in Paris", {"city": "Rome"}))
    assert [f.severity for f in verdict.findings] == ["error"]
