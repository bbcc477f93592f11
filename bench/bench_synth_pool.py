"""Pool growth at the ToolACE paper's scale: ``synth pool --target 26507`` offline.

Workload: the default seed catalogue (2,290 real specs: BFCL, Glaive, ToolACE) grown by
the offline proposer to ``BENCH_POOL_TARGET`` tools (default 26,507, the paper's pool),
every candidate checked by the rule layer, deduplicated (prefix-filtered near-duplicate
index) and compiled to a mock that admits a valid call, exactly as ``toolproof synth
pool`` does. Figures: wall time, tools/s, rejections per reason, candidate pairs the
near-duplicate check compared in full. Baseline, measured in this run on the written
pool: *verify-only*, the same two checks (spec check and compile check) over the pool's
tools without proposing or deduplicating; the ratio says what growing costs on top of
checking. Target (issue 18): < 10 minutes on 2 cores.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from mock_apis import MockRunner
from synth import MockToolAgent, PoolBuilder, make_proposer, read_pool, seed_catalogue, spec_check

TARGET_S = 600.0


def main() -> None:
    target = int(os.environ.get("BENCH_POOL_TARGET", "26507"))
    with tempfile.TemporaryDirectory() as tmp, MockRunner("inprocess") as runner:
        out = Path(tmp) / "pool.jsonl"
        agent = MockToolAgent(runner)
        builder = PoolBuilder(
            make_proposer("offline"), spec_check=spec_check, compile_check=agent.compile_check
        )
        started = time.perf_counter()
        stats = builder.build(list(seed_catalogue()), out, target)
        grow_s = time.perf_counter() - started
        specs = [e.spec() for e in read_pool(out)]
        started = time.perf_counter()
        for spec in specs:
            spec_check(spec)
            agent.compile_check(spec)
        verify_s = time.perf_counter() - started
    rejected = dict(stats.rejected.most_common())
    print(
        f"pool: {stats.size} tools ({dict(stats.accepted)}) in {grow_s:.1f}s = "
        f"{stats.size / grow_s:,.0f} tools/s over {stats.rounds} rounds; "
        f"rejected {sum(rejected.values())}: {rejected}; near-duplicate pairs compared "
        f"in full: {builder.deduper.compared:,}"
    )
    print(f"baseline verify-only (spec + compile checks of the written pool): {verify_s:.1f}s")
    print(
        f"ratio grow/verify-only: {grow_s / verify_s:.2f}x; target < {TARGET_S:.0f}s: "
        f"{'met' if grow_s < TARGET_S else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
