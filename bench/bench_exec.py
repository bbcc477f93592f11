"""Rules + execution: 10,000 samples through the exec layer on the docker backend.

Workload: the OpenAI-format records of ``bench_memory`` (2-4 tools, one call each, every
record distinct), read from a JSONL file by the dataset reader. Figures, in one run:
the rule layer alone on the same file (the baseline), rules + exec on the ``process``
backend and on the ``docker`` backend (when an engine answers), samples/s, seconds, the
ratio to the baseline, the CPU a sample cost in this process (reading, rules, the exec
layer's host side) and in the sandbox workers (their start-up included), and the growth
of peak RSS over the run (flat memory). The exec layer runs as the command's does
(``ExecLayer``'s defaults: one sandbox worker per CPU, at most 4).
Targets: rules + exec on 10,000 samples in ≤ 30 s on 2 cores with docker (issue 7), and
in at most 5x the time of the rules alone (issue 19). ``BENCH_EXEC_N`` sets the number of
samples.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench._proc import cpu_seconds
from bench.bench_memory import write_jsonl
from mock_apis import MockRunner
from sandbox import BackendUnavailableError
from verifier import ExecLayer, Pipeline, read_dataset


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    samples: int
    seconds: float
    failed: int
    cpu: float  # of this process
    workers_cpu: float = 0.0  # of the sandbox workers (process tree, read while they live)
    workers: int = 0  # of the exec layer


def run(path: Path, backend: str | None) -> Run:
    """One pass over ``path``: the rules alone (``backend`` None), or rules + exec."""
    if backend is None:
        pipeline = Pipeline(["rules"])
        cpu, started = _self_cpu(), time.perf_counter()
        results = [r.verdict for _, r in pipeline.run(read_dataset(path))]
        seconds = time.perf_counter() - started
        return Run(len(results), seconds, results.count("fail"), _self_cpu() - cpu)
    with MockRunner(backend) as runner:
        layer = ExecLayer(runner)
        pipeline = Pipeline(["rules", "exec"], extra_layers={"exec": layer}, window=128)
        tree, cpu, started = cpu_seconds(os.getpid()), _self_cpu(), time.perf_counter()
        results = [r.verdict for _, r in pipeline.run(read_dataset(path))]
        seconds = time.perf_counter() - started
        cpu, tree = _self_cpu() - cpu, cpu_seconds(os.getpid()) - tree
        layer.close()
    return Run(len(results), seconds, results.count("fail"), cpu, tree - cpu, layer.concurrency)


def main() -> None:
    n = int(os.environ.get("BENCH_EXEC_N", "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.jsonl"
        mb = n * 1.55 / 1024  # the records are ~1.55 KB each
        count = write_jsonl(path, mb)
        print(f"{count:,} samples in {path.stat().st_size / 1e6:.1f} MB")
        base = run(path, None)
        print(
            f"baseline, rules only: {base.samples / base.seconds:,.0f} samples/s "
            f"({base.seconds:.2f} s; CPU {base.cpu / base.samples * 1e6:.0f} us a sample)"
        )
        for backend in ("process", "docker"):
            rss_before = _rss_mb()
            try:
                got = run(path, backend)
            except BackendUnavailableError as exc:
                print(f"{backend}: unavailable ({exc})")
                continue
            n = got.samples
            workers = (  # containers are dockerd's children, not this process's
                f"{got.workers_cpu / n * 1e6:.0f} us" if backend == "process" else "not seen"
            )
            print(
                f"rules + exec, {backend} ({got.workers} workers): {n / got.seconds:,.0f} "
                f"samples/s, {got.seconds:.2f} s for {n:,} samples ({got.failed} failed), "
                f"{got.seconds / base.seconds:.1f}x the baseline's time; CPU a sample "
                f"{got.cpu / n * 1e6:.0f} us here, {workers} in the workers; "
                f"peak RSS grew {_rss_mb() - rss_before:.0f} MB"
            )


if __name__ == "__main__":
    main()
