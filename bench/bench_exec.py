"""Rules + execution: 10,000 samples through the exec layer on the docker backend.

Workload: the OpenAI-format records of ``bench_memory`` (2-4 tools, one call each, every
record distinct), read from a JSONL file by the dataset reader. Figures, in one run:
the rule layer alone on the same file (the baseline), rules + exec on the ``process``
backend and on the ``docker`` backend (when an engine answers), samples/s, seconds, the
ratio to the baseline, and the growth of peak RSS over the run (flat memory).
Target (issue 7): rules + exec on 10,000 samples in ≤ 30 s on 2 cores with docker.
``BENCH_EXEC_N`` sets the number of samples.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

from bench.bench_memory import write_jsonl
from mock_apis import MockRunner
from sandbox import BackendUnavailableError
from verifier import ExecLayer, Pipeline, read_dataset


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(path: Path, backend: str | None) -> tuple[int, float, int]:
    """(samples, seconds, failed samples) of one pass over ``path``."""
    if backend is None:
        pipeline = Pipeline(["rules"])
        started = time.perf_counter()
        results = [r.verdict for _, r in pipeline.run(read_dataset(path))]
        return len(results), time.perf_counter() - started, results.count("fail")
    with MockRunner(backend) as runner:
        layer = ExecLayer(runner, concurrency=4)
        pipeline = Pipeline(["rules", "exec"], extra_layers={"exec": layer}, window=128)
        started = time.perf_counter()
        results = [r.verdict for _, r in pipeline.run(read_dataset(path))]
        seconds = time.perf_counter() - started
        layer.close()
    return len(results), seconds, results.count("fail")


def main() -> None:
    n = int(os.environ.get("BENCH_EXEC_N", "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.jsonl"
        mb = n * 1.55 / 1024  # the records are ~1.55 KB each
        count = write_jsonl(path, mb)
        print(f"{count:,} samples in {path.stat().st_size / 1e6:.1f} MB")
        n0, base_s, _ = run(path, None)
        print(f"baseline, rules only: {n0 / base_s:,.0f} samples/s ({base_s:.1f} s)")
        for backend in ("process", "docker"):
            rss_before = _rss_mb()
            try:
                done, seconds, failed = run(path, backend)
            except BackendUnavailableError as exc:
                print(f"{backend}: unavailable ({exc})")
                continue
            print(
                f"rules + exec, {backend}: {done / seconds:,.0f} samples/s, {seconds:.1f} s "
                f"for {done:,} samples ({failed} failed), {seconds / base_s:.1f}x the "
                f"baseline's time; peak RSS grew {_rss_mb() - rss_before:.0f} MB"
            )


if __name__ == "__main__":
    main()
