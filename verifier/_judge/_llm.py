"""The LLM judge: the paper's three model-layer checks asked of a chat-completions model.

All network work runs on the judge's own event loop in a background thread, so the
synchronous pipeline (``judge``/``judge_many``) and async callers (``ajudge_many``) share
one connection pool, one concurrency bound and one cache. A sample the model cannot
answer about (HTTP errors after retries, timeouts, garbage, invalid JSON) gets a
``judge.unavailable`` warning and is counted in ``stats.failures``; the run goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import httpx

from toolspec.errors import JudgeError
from verifier._judge._answer import findings_of, parse_answer
from verifier._judge._base import JudgeStats, JudgeVerdict, register_judge, sample_hash, unavailable
from verifier._judge._cache import CachedAnswer, JudgeCache
from verifier._judge._client import BackgroundLoop, ChatClient, RetryPolicy
from verifier._judge._prompts import DEFAULT_PROMPT_VERSION, load_prompt
from verifier._model import Sample


@register_judge("llm")
class LLMJudge:
    """Judges samples with a model behind an OpenAI-compatible endpoint.

    ``cache_path`` is the SQLite file of the persistent cache (the application passes one
    under ``TOOLPROOF_HOME``); ``None`` caches in memory for this judge only.
    """

    name = "llm"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        cache_path: str | Path | None = None,
        prompt_version: str = DEFAULT_PROMPT_VERSION,
        concurrency: int = 64,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.prompt = load_prompt(prompt_version)
        self.model = model
        self._stats = JudgeStats()
        self._cache = JudgeCache(cache_path)
        self._source = f"LLM judge {model}, prompt {self.prompt.version}"
        self._provenance: dict[str, str | None] = {
            "judge": "llm",
            "judge_model": model,
            "prompt_version": self.prompt.version,
        }
        self._loop = BackgroundLoop("toolproof-judge")

        async def make_client() -> ChatClient:
            return ChatClient(
                base_url,
                model,
                api_key=api_key,
                timeout=timeout,
                concurrency=concurrency,
                retry=retry,
                transport=transport,
                stats=self._stats,
            )

        self._client = self._loop.run(make_client())
        self._closed = False

    def stats(self) -> JudgeStats:
        return self._stats

    @property
    def provenance(self) -> dict[str, str | None]:
        return dict(self._provenance)

    def judge(self, sample: Sample) -> JudgeVerdict:
        return self._loop.run(self._judge_one(sample))

    def judge_many(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        """Verdicts for ``samples``, asked concurrently (up to ``concurrency`` in flight)."""
        return self._loop.run(self._judge_all(samples))

    async def ajudge_many(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        """``judge_many`` for callers on another event loop (the HTTP service)."""
        return await asyncio.wrap_future(self._loop.submit(self._judge_all(samples)))

    async def _judge_all(self, samples: Sequence[Sample]) -> list[JudgeVerdict]:
        return list(await asyncio.gather(*(self._judge_one(s) for s in samples)))

    async def _judge_one(self, sample: Sample) -> JudgeVerdict:
        self._stats.samples += 1
        try:
            key = sample_hash(sample)
            cached = self._cached(key, sample)
            if cached is not None:
                return cached
            messages = self.prompt.messages(sample)
        except (RecursionError, ValueError, TypeError) as exc:
            self._stats.failures += 1
            reason = f"the sample cannot be written as JSON for the judge ({type(exc).__name__})"
            return unavailable(reason, self._provenance)
        try:
            done = await self._client.complete(messages, self.prompt.schema)
            answer = parse_answer(done.content)
        except JudgeError as exc:
            self._stats.failures += 1
            return unavailable(f"{exc.message} [{self._source}]", self._provenance)
        stored = CachedAnswer(answer.model_dump_json(), done.prompt_tokens, done.completion_tokens)
        self._cache.put(self.prompt.version, self.model, key, stored)
        return JudgeVerdict(
            findings=findings_of(answer, sample, self._source), provenance=self.provenance
        )

    def _cached(self, key: str, sample: Sample) -> JudgeVerdict | None:
        """The stored verdict, or None; an entry that no longer parses is asked again."""
        hit = self._cache.get(self.prompt.version, self.model, key)
        if hit is None:
            return None
        try:
            answer = parse_answer(hit.answer)
        except JudgeError:
            return None
        self._stats.cache_hits += 1
        findings = findings_of(answer, sample, self._source)
        return JudgeVerdict(findings=findings, provenance=self.provenance, cached=True)

    def close(self) -> None:
        """Close connections, stop the loop thread, close the cache. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._loop.run(self._client.aclose())
        self._loop.close()
        self._cache.close()

    def __enter__(self) -> LLMJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
