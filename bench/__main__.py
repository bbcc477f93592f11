"""Run every benchmark (``make bench``), or those named: ``python -m bench rules sandbox``.

Each benchmark module is ``bench/bench_<name>.py`` with a ``main()`` that prints its own
figures and the ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def _names() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )


def _calibration_us() -> float:
    """A fixed pure-Python loop, best of 5: how fast this interpreter on this machine is.
    Every figure moves with it (pyenv's default build runs it ~1.6x slower than Debian's
    python3 here), so it is printed beside them."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(100_000))
        best = min(best, time.perf_counter() - started)
    return best * 1e6 / 100


def main(argv: list[str]) -> int:
    known = _names()
    wanted = argv or known
    unknown = [n for n in wanted if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    print(
        f"python {sys.version.split()[0]} at {sys.executable}; "
        f"calibration loop {_calibration_us():.0f} µs (lower is faster)"
    )
    for name in wanted:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.bench_{name}").main()
        print(f"--- {name} took {time.perf_counter() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
