"""The offline judge (the default): deterministic grounding of every argument value.

It performs the first of the paper's three model-layer checks without a model: every
leaf of every call's arguments must be stated somewhere the assistant could have read it
(see ``_grounding``). It stays conservative, since a false alarm on clean data costs more
trust than a missed hallucination: booleans, spec defaults and enum values are grounded
by the spec; free text needs only half its words. The two other checks (answer
consistency, tool response against the API) need a model: use the ``llm`` judge.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from toolspec import ToolSpec
from verifier._judge._base import JudgeStats, JudgeVerdict, register_judge
from verifier._judge._grounding import (
    Grounder,
    Source,
    SpecFacts,
    dialog_sources,
    schema_at,
    sources_before,
    walk,
)
from verifier._model import Finding, Sample
from verifier._trace import Evidence

#: Argument values grounded per sample at most (a hostile sample cannot cost more).
MAX_VALUES = 2000
#: Version of the grounding rules; goes into provenance like an LLM prompt version.
OFFLINE_VERSION = "offline-1"


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register_judge("offline")
class OfflineJudge:
    """Grounds argument values in the user turns, system prompt and earlier tool output."""

    name = "offline"

    def __init__(self) -> None:
        self._stats = JudgeStats()
        self._provenance: dict[str, str | None] = {
            "judge": "offline",
            "judge_model": None,
            "prompt_version": OFFLINE_VERSION,
        }

    @property
    def provenance(self) -> dict[str, str | None]:
        return dict(self._provenance)

    def stats(self) -> JudgeStats:
        return self._stats

    def judge(self, sample: Sample) -> JudgeVerdict:
        self._stats.samples += 1
        tools = {t.name: t for t in sample.tools}
        sources = dialog_sources(sample)
        findings: list[Finding] = []
        evidence: list[Evidence] = []
        for t, c, name, path, ev in self._values(sample, tools, sources):
            if len(evidence) == MAX_VALUES:
                findings.append(
                    Finding.of(
                        "judge.unavailable",
                        f"the judge could not answer for every value: the sample has more than "
                        f"{MAX_VALUES} argument values; those after {path} of {name} in turn "
                        f"{t} were not checked",
                        turn=t,
                        call=c,
                    )
                )
                break
            evidence.append(ev)
            if not ev.grounded:
                findings.append(
                    Finding.of(
                        "judge.hallucinated_value",
                        f"value {_short(ev.value)} for {path} of {name} is not in the user's "
                        f"words, the system prompt or earlier tool output ({ev.detail})",
                        turn=t,
                        call=c,
                        path=path,
                        severity="warning" if ev.plausible else None,
                    )
                )
        return JudgeVerdict(findings=findings, evidence=evidence, provenance=self.provenance)

    @staticmethod
    def _values(
        sample: Sample, tools: dict[str, ToolSpec], sources: list[Source]
    ) -> Iterator[tuple[int, int, str, str, Evidence]]:
        """(turn, call, tool name, path, evidence) for every argument leaf, lazily."""
        for t, turn in enumerate(sample.turns):
            if turn.role != "assistant" or not turn.calls:
                continue
            usable = sources_before(sample, sources, t)
            for c, call in enumerate(turn.calls):
                if not call.arguments:
                    continue
                tool = tools.get(call.name)
                params = tool.parameters if tool is not None else {}
                tool_desc = tool.description if tool is not None else ""
                for path, value in walk(call.arguments):
                    facts = SpecFacts.of(schema_at(params, path), tool_desc)
                    yield t, c, call.name, path, Grounder(usable, facts, t, c).ground(path, value)

    def judge_many(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        return [self.judge(s) for s in samples]

    def close(self) -> None:
        return None
