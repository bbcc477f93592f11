"""The judge as a pipeline layer, and a judge from the ``--judge`` / settings value.

``Pipeline`` takes a layer check ``Sample -> [Finding]``; :class:`JudgeLayer` is one. It
also keeps what findings alone cannot carry: the evidence of every value (put into
``sample.trace.judge`` for the HTML report), the provenance every result needs (judge,
model, prompt version; also merged into ``sample.trace.provenance``, which the pipeline
copies into the result) and the count of samples the judge could not answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verifier._judge._base import Judge, JudgeStats, JudgeVerdict, get_judge
from verifier._layers import BuiltLayer, LayerOptions, layer_factory
from verifier._model import Finding, Sample
from verifier._trace import JudgeTrace


def make_judge(
    spec: str,
    *,
    model: str | None = None,
    api_key: str | None = None,
    cache_path: str | Path | None = None,
    **options: Any,
) -> Judge:
    """``offline``, an ``http(s)://`` base URL (the LLM judge), or a registered name.

    The application reads ``spec``, ``model`` and ``api_key`` from settings
    (``TOOLPROOF_JUDGE``, ``TOOLPROOF_JUDGE_MODEL``, ``TOOLPROOF_JUDGE_API_KEY``) and
    passes a cache path under ``TOOLPROOF_HOME``.
    """
    if spec.startswith(("http://", "https://")):
        options = {"base_url": spec, **options}
        spec = "llm"
    if spec == "llm":
        return get_judge(
            "llm", model=model or "gpt-4o-mini", api_key=api_key, cache_path=cache_path, **options
        )
    return get_judge(spec, **options)


class JudgeLayer:
    """The judge layer of the pipeline: ``layer(sample) -> findings``.

    ``unavailable`` counts samples that got ``judge.unavailable``. ``check_many`` (or
    ``prefetch`` before the per-sample calls) judges a batch at once so an LLM judge can
    keep many requests in flight.
    """

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.samples = 0
        self.unavailable = 0
        self._ready: dict[int, tuple[Sample, JudgeVerdict]] = {}

    @property
    def provenance(self) -> dict[str, str | None]:
        return self.judge.provenance

    def stats(self) -> JudgeStats:
        return self.judge.stats()

    def __call__(self, sample: Sample) -> list[Finding]:
        ready = self._ready.pop(id(sample), None)
        if ready is not None and ready[0] is sample:
            return self._keep(sample, ready[1])
        return self._keep(sample, self.judge.judge(sample))

    def prefetch(self, samples: Sequence[Sample]) -> None:
        """Judge a window of samples concurrently; ``layer(sample)`` then answers at once.

        A streaming pipeline calls this on each window it reads (memory stays bounded by
        the window) so an LLM judge keeps many requests in flight while results are still
        produced one sample at a time, in order.
        """
        todo = [s for s in samples if self._ready.get(id(s), (None,))[0] is not s]
        for sample, verdict in zip(todo, self.judge.judge_many(todo), strict=True):
            self._ready[id(sample)] = (sample, verdict)

    def check_many(self, samples: Sequence[Sample]) -> list[list[Finding]]:
        verdicts = self.judge.judge_many(samples)
        return [self._keep(s, v) for s, v in zip(samples, verdicts, strict=True)]

    def _keep(self, sample: Sample, verdict: JudgeVerdict) -> list[Finding]:
        self.samples += 1
        if not verdict.available:
            self.unavailable += 1
        sample.trace.provenance.update(verdict.provenance)
        sample.trace.judge = JudgeTrace(verdict.provenance, verdict.cached,
                                        tuple(verdict.evidence))  # fmt: skip
        return list(verdict.findings)


@layer_factory("judge")
def build_judge_layer(options: LayerOptions) -> BuiltLayer:
    """The judge ``options.judge`` names (offline by default), caching where asked."""
    if options.judge_cache is not None:
        options.judge_cache.parent.mkdir(parents=True, exist_ok=True)
    judge = make_judge(options.judge, model=options.judge_model, api_key=options.judge_api_key,
                       cache_path=options.judge_cache)  # fmt: skip
    layer = JudgeLayer(judge)
    provenance = {k: v for k, v in layer.provenance.items() if v is not None}
    return BuiltLayer(layer, provenance, judge.close)
