"""Build the default seed catalogue of ``toolproof synth pool`` from real tool specs.

Reads the BFCL v4 function docs (every Python-typed category and the multi-turn
backends' docs), the Glaive tool lists and the ToolACE tool lists under ``DATA``
(``/work/shared/data`` by default; see their SOURCE.md files), imports every tool with
toolproof's own importers, keeps the first tool of each name (case and separators
ignored; spaces in ToolACE's title-like names become underscores) and writes
``synth/data/seeds.jsonl``: one tool per line with the
file it came from. A tool that does not import is counted and skipped, never fatal.

    python scripts/build_seed_catalogue.py [DATA]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from toolspec import import_tool
from toolspec.errors import SpecError

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "synth" / "data" / "seeds.jsonl"
BFCL = (
    "simple_python", "multiple", "parallel", "parallel_multiple", "live_simple",
    "live_multiple", "live_parallel", "live_parallel_multiple", "live_relevance",
    "irrelevance", "live_irrelevance",
)  # fmt: skip
#: ToolACE's system prompt puts the tool list after this line.
TOOLACE_MARK = "Here is a list of functions in JSON format that you can invoke:\n"


def _bfcl(data: Path) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    for category in BFCL:
        path = data / "bfcl" / f"BFCL_v4_{category}.json"
        for line in path.read_bytes().splitlines():
            if line.strip():
                out += [(f, path.name) for f in orjson.loads(line).get("function", [])]
    for path in sorted((data / "bfcl" / "multi_turn_func_doc").glob("*.json")):
        out += [(orjson.loads(x), f"multi_turn_func_doc/{path.name}")
                for x in path.read_bytes().splitlines() if x.strip()]  # fmt: skip
    return out


def _samples(data: Path) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    glaive = data / "samples" / "glaive_toolcall_en_demo.json"
    for record in orjson.loads(glaive.read_bytes()):
        out += [(t, glaive.name) for t in orjson.loads(record.get("tools") or "[]")]
    toolace = data / "samples" / "toolace_sharegpt_100.json"
    for record in orjson.loads(toolace.read_bytes()):
        _, _, listed = str(record.get("system", "")).partition(TOOLACE_MARK)
        # The list is followed by more instructions: cut at its closing bracket.
        end = listed.rfind("}]")
        try:
            tools = orjson.loads(listed[: end + 2]) if end >= 0 else []
        except orjson.JSONDecodeError:
            tools = []
        out += [(t, toolace.name) for t in tools]
    return out


def main(data: Path) -> None:
    seen: set[str] = set()
    lines: list[bytes] = []
    kept: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for raw, source in [*_bfcl(data), *_samples(data)]:
        try:
            spec = import_tool(raw)
        except (SpecError, RecursionError, TypeError, ValueError):
            failed[source] += 1
            continue
        # ToolACE names read as titles ("Market Trends API"); chat APIs want identifiers.
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", spec.name.strip()).strip("_")[:64]
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if not key or key in seen:
            continue
        seen.add(key)
        kept[source.split("/")[0]] += 1
        line = {"name": name, "description": spec.description,
                "parameters": spec.parameters, "source": source}  # fmt: skip
        lines.append(orjson.dumps(line) + b"\n")
    OUT.write_bytes(b"".join(lines))
    print(f"{len(lines)} seed tools -> {OUT.relative_to(ROOT)}")
    print("kept by source:", dict(kept.most_common()))
    print("failed to import:", dict(failed.most_common()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data"))
