"""Spec→mock compilation: 25,000 specs on 2 cores, and loading a cached bundle.

Workload: 25,000 distinct ToolSpecs built from the real tool lists bundled with the tests
(BFCL, Glaive and ToolACE tools in ``tests/data/mock/real_toolsets.json``), each renamed
and re-described so no two are equal, grouped five to a toolset as dialogs carry them.

Figures:
- compile all 25,000 with two worker processes (target: < 60 s), and the same work in one
  process (baseline: the speed-up of the two cores);
- per spec, against the named baseline ``jsonschema meta-validation`` (a
  ``Draft202012Validator.check_schema`` per parameter schema, measured on a prefix): what a
  pipeline that only validates its specs would pay;
- a cached bundle loaded from disk (``compile(..., cache_dir=...)`` hit: key, read, parse;
  target: < 50 ms) for a 5-tool toolset and a 170-tool one, against compiling it afresh.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from mock_apis import compile
from toolspec import ToolSpec, import_tool

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mock" / "real_toolsets.json"
N_SPECS = 25_000
TOOLSET = 5
N_META = 300
WORKERS = 2


def real_specs() -> list[ToolSpec]:
    return [import_tool(t) for r in json.loads(DATA.read_text("utf-8")) for t in r["tools"]]


def workload(n: int) -> list[list[dict[str, Any]]]:
    """Toolsets as plain dicts (cheap to send to worker processes)."""
    base = real_specs()
    specs = []
    for i in range(n):
        s = base[i % len(base)]
        specs.append({"name": f"{s.name}_{i}", "description": f"{s.description} (variant {i})",
                      "parameters": s.parameters, "output_schema": s.output_schema,
                      "hints": s.hints})  # fmt: skip
    return [specs[i : i + TOOLSET] for i in range(0, n, TOOLSET)]


def compile_chunk(toolsets: list[list[dict[str, Any]]]) -> tuple[int, int]:
    tools = errors = 0
    for toolset in toolsets:
        bundle = compile([ToolSpec(**s) for s in toolset])
        tools += len(bundle.manifest.tools)
        errors += len(bundle.errors)
    return tools, errors


def timed_compile(toolsets: list[list[dict[str, Any]]], workers: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    if workers == 1:
        tools, errors = compile_chunk(toolsets)
    else:
        size = max(1, len(toolsets) // (workers * 8))
        chunks = [toolsets[i : i + size] for i in range(0, len(toolsets), size)]
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(compile_chunk, chunks))
        tools, errors = sum(r[0] for r in results), sum(r[1] for r in results)
    return time.perf_counter() - start, tools, errors


def meta_validation_per_spec(toolsets: list[list[dict[str, Any]]]) -> float:
    validator = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    schemas = [s["parameters"] for ts in toolsets for s in ts][:N_META]
    start = time.perf_counter()
    for schema in schemas:
        list(validator.iter_errors(schema))
    return (time.perf_counter() - start) / len(schemas)


def cached_load(specs: list[ToolSpec], label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        start = time.perf_counter()
        fresh = compile(specs)
        cold = time.perf_counter() - start
        compile(specs, cache_dir=cache)
        loads = []
        for _ in range(30):
            start = time.perf_counter()
            bundle = compile(specs, cache_dir=cache)
            loads.append(time.perf_counter() - start)
        assert bundle == fresh
    p50 = statistics.median(loads) * 1000
    print(f"cached load, {label}: p50 {p50:.1f} ms (target < 50 ms); fresh compile "
          f"{cold * 1000:.1f} ms; cache is {cold * 1000 / p50:.1f}x faster")  # fmt: skip


def main() -> None:
    toolsets = workload(N_SPECS)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    wall, tools, errors = timed_compile(toolsets, WORKERS)
    rate = N_SPECS / wall
    print(f"compile {N_SPECS} specs ({len(toolsets)} toolsets) on {WORKERS} processes: "
          f"{wall:.1f} s, {rate:,.0f} specs/s (target < 60 s)")  # fmt: skip
    print(f"  {tools} tools compiled, {errors} errors")
    serial_sets = toolsets[: len(toolsets) // 5]
    serial_wall, _, _ = timed_compile(serial_sets, 1)
    serial_rate = len(serial_sets) * TOOLSET / serial_wall
    print(f"baseline one process: {serial_rate:,.0f} specs/s; two processes are "
          f"{rate / serial_rate:.2f}x faster")  # fmt: skip
    meta = meta_validation_per_spec(toolsets)
    per_spec = wall * WORKERS / N_SPECS
    print(f"baseline jsonschema meta-validation: {meta * 1000:.2f} ms/spec; compiling costs "
          f"{per_spec * 1000:.2f} CPU ms/spec")  # fmt: skip
    print(f"  compiling is {meta / per_spec:.1f}x cheaper than meta-validating")
    base = real_specs()
    cached_load(base[:TOOLSET], f"{TOOLSET} tools")
    unique = list({s.name: s for s in base}.values())
    cached_load(unique, f"{len(unique)} tools")


if __name__ == "__main__":
    main()
