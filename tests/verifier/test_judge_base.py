"""The judge seam: registry, fake judge, sample hash, the pipeline layer, prompts."""

from __future__ import annotations

import pytest

import verifier._judge as judge_pkg
from tests.verifier.judge_samples import dialog
from toolspec.errors import ConfigError
from verifier import Finding, Sample
from verifier._judge import (
    FunctionJudge,
    Judge,
    JudgeLayer,
    JudgeVerdict,
    OfflineJudge,
    get_judge,
    judge_names,
    load_prompt,
    make_judge,
    prompt_versions,
    render_dialog,
    sample_hash,
)
from verifier._pipeline import Pipeline


def test_public_surface_is_locked() -> None:
    assert judge_pkg.__all__ == [
        "DEFAULT_PROMPT_VERSION",
        "OFFLINE_VERSION",
        "Answer",
        "ChatClient",
        "Evidence",
        "FunctionJudge",
        "Issue",
        "Judge",
        "JudgeCache",
        "JudgeLayer",
        "JudgeStats",
        "JudgeVerdict",
        "LLMJudge",
        "OfflineJudge",
        "Prompt",
        "RetryPolicy",
        "completions_url",
        "get_judge",
        "judge_names",
        "load_prompt",
        "make_judge",
        "parse_answer",
        "prompt_versions",
        "register_judge",
        "render_dialog",
        "sample_hash",
    ]
    assert all(hasattr(judge_pkg, name) for name in judge_pkg.__all__)


def test_registry_knows_offline_and_llm_and_names_them_on_error() -> None:
    assert {"offline", "llm"} <= set(judge_names())
    assert isinstance(get_judge("offline"), OfflineJudge)
    with pytest.raises(ConfigError, match=r"known judges: .*llm.*offline"):
        get_judge("gpt-oracle")
    with pytest.raises(ConfigError, match="unknown judge"):
        make_judge("nonsense")


def test_implementations_satisfy_the_protocol() -> None:
    assert isinstance(OfflineJudge(), Judge)
    assert isinstance(FunctionJudge(lambda s: []), Judge)


def test_sample_hash_ignores_ids_but_not_content() -> None:
    a = dialog("Paris", {"city": "Paris"})
    b = dialog("Paris", {"city": "Paris"})
    b.id, b.index, b.format = "other", 7, "openai"
    c = dialog("Paris", {"city": "Lyon"})
    assert sample_hash(a) == sample_hash(b) != sample_hash(c)
    assert len(sample_hash(a)) == 64


def _fake(sample: Sample) -> list[Finding]:
    if "Berlin" in str(sample.turns[1].calls[0].arguments):
        return [
            Finding.of("judge.hallucinated_value", "fake says Berlin", turn=1, call=0, path="/city")
        ]
    return []


def test_the_layer_fails_samples_through_the_pipeline_and_keeps_evidence() -> None:
    layer = JudgeLayer(OfflineJudge())
    pipe = Pipeline(["rules", "judge"], extra_layers={"judge": layer}, provenance=layer.provenance)
    good = dialog("Weather in Paris", {"city": "Paris"})
    bad = dialog("Weather in Paris", {"city": "Berlin"})
    results = [r for _, r in pipe.run([good, bad])]
    assert [r.verdict for r in results] == ["pass", "fail"]
    assert results[1].provenance["judge"] == "offline"
    assert results[1].provenance["prompt_version"] == "offline-1"
    assert any(f.code == "judge.hallucinated_value" for f in results[1].findings)
    stored = bad.trace.judge
    assert stored is not None and stored.evidence[0].path == "/city"
    assert stored.evidence[0].grounded is False
    assert good.trace.judge is not None and good.trace.judge.evidence[0].source == "user turn 0"
    assert results[1].trace is bad.trace  # the reports see what the layers recorded


def test_the_layer_counts_unavailable_and_it_never_passes_silently() -> None:
    def down(sample: Sample) -> JudgeVerdict:
        return JudgeVerdict([Finding.of("judge.unavailable", "the judge could not answer: down")])

    layer = JudgeLayer(FunctionJudge(down, name="down"))
    findings = layer.check_many([dialog("Paris", {"city": "Paris"})] * 2)
    assert [f[0].severity for f in findings] == ["warning", "warning"]
    assert (layer.samples, layer.unavailable) == (2, 2)


def test_function_judge_accepts_findings_or_verdicts() -> None:
    verdict = FunctionJudge(_fake, name="fake", model="m").judge(dialog("x", {"city": "Berlin"}))
    assert [f.path for f in verdict.findings] == ["/city"]
    assert verdict.provenance["judge_model"] == "m"


def test_prompt_files_ship_and_unknown_versions_fail() -> None:
    assert "v1" in prompt_versions()
    prompt = load_prompt("v1")
    assert "hallucinated_value" in prompt.system
    assert prompt.schema["properties"]["issues"]["type"] == "array"
    with pytest.raises(ConfigError, match="known: v1"):
        load_prompt("v0")


def test_dialog_rendering_numbers_turns_and_cuts_long_text() -> None:
    sample = dialog("x" * 10_000, {"city": "Paris"})
    text = render_dialog(sample)
    assert text.startswith("[turn 0] user: xxx")
    assert "[cut: 6000 more characters]" in text
    assert '  call 0: get_weather {"city": "Paris"}' in text


def test_prefetch_judges_each_sample_once_and_leaves_provenance_on_it() -> None:
    seen: list[str] = []

    def counting(sample: Sample) -> list[Finding]:
        seen.append(sample.id)
        return []

    layer = JudgeLayer(FunctionJudge(counting, name="counting", model="m1"))
    samples = [dialog("Paris", {"city": "Paris"}) for _ in range(3)]
    for i, s in enumerate(samples):
        s.id = f"s{i}"
    layer.prefetch(samples)
    layer.prefetch(samples[1:])
    assert [layer(s) for s in samples] == [[], [], []]
    assert seen == ["s0", "s1", "s2"]
    assert samples[0].trace.provenance["judge_model"] == "m1"
    layer(samples[0])  # not prefetched any more: judged again
    assert seen == ["s0", "s1", "s2", "s0"]
