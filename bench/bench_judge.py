"""Judge layer: the LLM judge's concurrency and cache, against the offline judge.

Workload: the real records in ``tests/data/judge`` (Glaive and ToolACE), each in
``COPIES`` variants (a marker appended to the first user turn, so every variant is a
new question), judged by the LLM judge against a scripted OpenAI-compatible server on
127.0.0.1 that takes ``LATENCY_S`` per answer, like a model would.

Figures: run 1 (cold cache) — requests/s, the peak number of requests in flight as
counted by the server, failures, tokens; run 2 (same data) — cache hit rate and
samples/s; the offline judge's samples/s on the same samples. Ratios, all measured in
this run: run 1 against the same judge with one request at a time (the named baseline,
on a prefix), and the offline judge against the LLM judge served from its cache.
Targets (issue 7): ≥ 50 requests in flight without errors; run 2 served from the cache.
"""

from __future__ import annotations

import copy
import tempfile
import time
from pathlib import Path
from typing import Any

from verifier import Sample
from verifier._judge import (
    LLMJudge,
    OfflineJudge,
    RetryPolicy,
)
from verifier._judge._scripted import ScriptedChatServer, ScriptedReply
from verifier._readers import read_dataset

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "judge"
COPIES = 3
LATENCY_S = 0.25
CONCURRENCY = 64
SEQUENTIAL_PREFIX = 12


def _samples() -> list[Sample]:
    base = [s for path in sorted(DATA.glob("*.json")) for s in read_dataset(path)]
    out: list[Sample] = []
    for k in range(COPIES):
        for s in base:
            variant = copy.deepcopy(s)
            first_user = next(t for t in variant.turns if t.role == "user")
            first_user.content = f"{first_user.content} (variant {k})"
            out.append(variant)
    return out


def _answer(_request: dict[str, Any]) -> ScriptedReply:
    return ScriptedReply(
        content='{"issues": []}', delay=LATENCY_S, prompt_tokens=900, completion_tokens=12
    )


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def main() -> None:
    samples = _samples()
    n = len(samples)
    retry = RetryPolicy(max_retries=2, backoff=0.05)
    with tempfile.TemporaryDirectory() as tmp, ScriptedChatServer(_answer) as server:
        with LLMJudge(
            base_url=server.url, model="bench-judge", concurrency=1, retry=retry, cache_path=None
        ) as seq:
            t0 = time.perf_counter()
            seq.judge_many(samples[:SEQUENTIAL_PREFIX])
            seq_rate = _rate(SEQUENTIAL_PREFIX, time.perf_counter() - t0)
        server.peak_in_flight = 0
        requests_before = server.requests
        with LLMJudge(
            base_url=server.url,
            model="bench-judge",
            concurrency=CONCURRENCY,
            retry=retry,
            cache_path=Path(tmp) / "judge.sqlite",
        ) as judge:
            t0 = time.perf_counter()
            first = judge.judge_many(samples)
            cold_s = time.perf_counter() - t0
            cold = judge.stats().as_dict()
            t0 = time.perf_counter()
            second = judge.judge_many(samples)
            warm_s = time.perf_counter() - t0
            warm = judge.stats().as_dict()
        requests = server.requests - requests_before
        peak = server.peak_in_flight
    offline = OfflineJudge()
    t0 = time.perf_counter()
    for s in samples:
        offline.judge(s)
    offline_rate = _rate(n, time.perf_counter() - t0)

    cold_rate = _rate(n, cold_s)
    warm_rate = _rate(n, warm_s)
    hits = warm["cache_hits"] - cold["cache_hits"]
    unavailable = sum(not v.available for v in first + second)
    print(f"samples: {n} ({n // COPIES} real records x {COPIES}); server latency {LATENCY_S}s")
    print(
        f"run 1 (cold): {requests} requests in {cold_s:.2f}s = {_rate(requests, cold_s):.0f}"
        f" requests/s; peak in flight (server) {peak}, (client) {cold['peak_in_flight']};"
        f" failures {cold['failures']}, retries {cold['retries']}"
    )
    print(f"run 1 tokens: prompt {cold['prompt_tokens']}, completion {cold['completion_tokens']}")
    print(
        f"run 2 (same data): cache hits {hits}/{n} = {hits / n:.0%}; {warm_rate:.0f} samples/s;"
        f" new requests {warm['calls'] - cold['calls']}"
    )
    print(f"unavailable verdicts: {unavailable}")
    print(f"offline judge: {offline_rate:.0f} samples/s")
    print(
        f"ratio run 1 / one request at a time ({seq_rate:.1f} samples/s): "
        f"{cold_rate / seq_rate:.1f}x"
    )
    print(f"ratio offline judge / LLM judge from cache: {offline_rate / warm_rate:.2f}x")
    ok = peak >= 50 and cold["failures"] == 0 and hits == n and unavailable == 0
    print(
        f"targets (>= 50 in flight without errors, run 2 from cache): {'met' if ok else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
