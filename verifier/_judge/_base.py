"""The judge seam: the ``Judge`` protocol, its verdict, a registry by name, a fake.

A judge looks at one sample and says which argument values are not grounded, whether the
assistant's answer follows from the tool outputs, and whether tool responses fit their API
definition (the model layer of ToolACE's Dual-Layer Verification). Two implementations are
registered, ``offline`` (deterministic grounding, the default) and ``llm`` (any
OpenAI-compatible chat-completions endpoint); tests pass a :class:`FunctionJudge`.

A judge never raises on a sample: when it cannot answer, the verdict carries a
``judge.unavailable`` warning, so a failed judge is visible and counted, never a silent pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from toolspec.registry import Registry
from verifier._model import Finding, Sample
from verifier._trace import Evidence


@dataclass(slots=True)
class JudgeStats:
    """Counters of one judge's life: requests, cache, failures, tokens, concurrency."""

    samples: int = 0
    calls: int = 0
    cache_hits: int = 0
    failures: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class JudgeVerdict:
    """What a judge says about one sample: findings, evidence, and who said it."""

    findings: list[Finding]
    evidence: list[Evidence] = field(default_factory=list)
    provenance: dict[str, str | None] = field(default_factory=dict)
    cached: bool = False

    @property
    def available(self) -> bool:
        return not any(f.code == "judge.unavailable" for f in self.findings)


@runtime_checkable
class Judge(Protocol):
    """One judge. ``judge_many`` may run samples concurrently; results keep input order."""

    name: str

    @property
    def provenance(self) -> dict[str, str | None]:
        """``judge``, ``judge_model`` and ``prompt_version`` for every result's provenance."""
        ...

    def judge(self, sample: Sample) -> JudgeVerdict:
        """The verdict on one sample; never raises for a bad sample or a failed backend."""
        ...

    def judge_many(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        """Verdicts for a batch, in input order."""
        ...

    def stats(self) -> JudgeStats:
        """Counters so far (samples, model calls, cache hits, failures, tokens)."""
        ...

    def close(self) -> None:
        """Release connections, threads and the cache."""
        ...


def unavailable(reason: str, provenance: dict[str, str | None]) -> JudgeVerdict:
    """The verdict of a judge that could not answer: one ``judge.unavailable`` warning."""
    finding = Finding.of("judge.unavailable", f"the judge could not answer: {reason}")
    return JudgeVerdict(findings=[finding], provenance=dict(provenance))


def sample_hash(sample: Sample) -> str:
    """sha256 of the canonical JSON of the sample's tools and turns (the cache key part).

    Ids, index and format are left out on purpose: the same dialog in another file or
    format is the same question to the judge.
    """
    doc = {
        "tools": [
            {
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters,
                "output_schema": t.output_schema,
            }
            for t in sample.tools
        ],
        "turns": [
            {
                "role": t.role,
                "content": t.content,
                "name": t.name,
                "call_id": t.call_id,
                "calls": [{"name": c.name, "arguments": c.arguments, "id": c.id} for c in t.calls],
            }
            for t in sample.turns
        ],
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class FunctionJudge:
    """A judge made of a plain function, for tests and for callers with their own logic."""

    def __init__(
        self,
        fn: Callable[[Sample], list[Finding] | JudgeVerdict],
        *,
        name: str = "function",
        model: str | None = None,
    ) -> None:
        self.name = name
        self._fn = fn
        self._stats = JudgeStats()
        self._provenance: dict[str, str | None] = {
            "judge": name,
            "judge_model": model,
            "prompt_version": None,
        }

    @property
    def provenance(self) -> dict[str, str | None]:
        return dict(self._provenance)

    def stats(self) -> JudgeStats:
        return self._stats

    def judge(self, sample: Sample) -> JudgeVerdict:
        self._stats.samples += 1
        out = self._fn(sample)
        if isinstance(out, JudgeVerdict):
            return out
        return JudgeVerdict(findings=list(out), provenance=self.provenance)

    def judge_many(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        return [self.judge(s) for s in samples]

    def close(self) -> None:
        return None


JudgeFactory = Callable[..., Judge]
JUDGES: Registry[JudgeFactory] = Registry(
    "unknown judge {name}; known judges: {known} "
    "(or an http(s):// URL of an OpenAI-compatible endpoint)"
)
J = TypeVar("J", bound=JudgeFactory)


def register_judge(name: str) -> Callable[[J], J]:
    """Decorator: register a judge factory (a class or function taking options) by name."""
    return JUDGES.register(name)


def judge_names() -> list[str]:
    """The registered judge names, sorted."""
    return JUDGES.names()


def get_judge(name: str, **options: Any) -> Judge:
    """A new judge ``name`` built with ``options``; unknown names fail listing known ones."""
    return JUDGES.get(name)(**options)
