"""Streaming: peak RSS of ``toolproof verify`` on a 1 GB JSONL against a 10 MB one.

The same OpenAI-format records (2-4 tools, 1-2 calls, distinct contents) are written to
two files of different sizes; ``toolproof verify --layers rules`` runs on each in its own
process, and the peak RSS of each run is read from ``getrusage`` in a wrapper process
that runs nothing else. Flat memory means the ratio of the two peaks stays near 1 while
the input grows 100 times. ``BENCH_MEMORY_MB`` sets the large file's size (default 1024).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)


def _tool(i: int) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": f"lookup_{i % 7}",
            "description": "Look a record up by its key and an optional date.",
            "parameters": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "description": "The record key."},
                    "date": {"type": "string", "format": "date", "description": "Day."},
                    "limit": {"type": "integer", "minimum": 1, "description": "Max rows."},
                },
                "required": ["key"],
            },
        },
    }


def _record(i: int, rng: random.Random) -> dict[str, Any]:
    tools = [_tool(i + k) for k in range(rng.randint(2, 4))]
    name = tools[0]["function"]["name"]
    args = {"key": f"k{i}", "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "limit": 5}
    call = {
        "id": f"c{i}",
        "type": "function",
        "function": {"name": name, "arguments": orjson.dumps(args).decode()},
    }
    return {
        "id": f"r{i}",
        "messages": [
            {"role": "user", "content": f"Find record k{i} for that day, five rows please."},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": f"c{i}", "content": '{"rows": [1, 2, 3]}'},
            {"role": "assistant", "content": f"Record k{i} has three rows."},
        ],
        "tools": tools,
    }


def write_jsonl(path: Path, megabytes: float) -> int:
    rng = random.Random(7)
    limit = int(megabytes * 1024 * 1024)
    written = n = 0
    with path.open("wb") as out:
        while written < limit:
            line = orjson.dumps(_record(n, rng)) + b"\n"
            out.write(line)
            written += len(line)
            n += 1
    return n


def peak_rss_mb(path: Path) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one ``toolproof verify`` run on ``path``."""
    cmd = [sys.executable, "-m", "toolproof", "verify", str(path), "-q", "--out", os.devnull]
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, check=True
    ).stdout.split()
    if out[1] not in ("0", "1"):
        raise RuntimeError(f"verify failed with exit code {out[1]}")
    return int(out[0]) / 1024, time.perf_counter() - started


def main() -> None:
    big_mb = float(os.environ.get("BENCH_MEMORY_MB", "1024"))
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.jsonl", Path(tmp) / "big.jsonl"
        n_small = write_jsonl(small, 10)
        n_big = write_jsonl(big, big_mb)
        print(f"files: {n_small:,} records (10 MB) and {n_big:,} records ({big_mb:,.0f} MB)")
        base_rss, base_s = peak_rss_mb(small)
        rss, seconds = peak_rss_mb(big)
    print(f"baseline (10 MB file): peak RSS {base_rss:,.0f} MB, {n_small / base_s:,.0f} samples/s")
    print(
        f"large ({big_mb:,.0f} MB file): peak RSS {rss:,.0f} MB, {n_big / seconds:,.0f} samples/s"
    )
    print(f"ratio of peak RSS, large / baseline: {rss / base_rss:.2f} (input {big_mb / 10:.0f}x)")


if __name__ == "__main__":
    main()
