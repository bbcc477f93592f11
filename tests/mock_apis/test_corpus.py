"""Real specs: every tool list compiles, and every tool answers a valid call validly.

The bundled subset (``tests/data/mock``) always runs; the full corpus (every BFCL function
doc, every multi-turn function doc, every tool list of the sample datasets) runs where
``/work/shared/data`` exists and is skipped elsewhere. A tool whose schema admits no valid
call at all (a required parameter whose enum contradicts its type) is a spec defect: it
is counted apart, and the compiler's manifest notes say why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mock_apis import MockRunner, compile_toolset, example_arguments, read_tools
from toolspec import ToolSpec, import_tool

SHARED = Path("/work/shared/data")


def bundled(data_dir: Path) -> Iterator[tuple[str, list[Any]]]:
    for record in json.loads((data_dir / "mock" / "real_toolsets.json").read_text("utf-8")):
        yield record["source"], record["tools"]


def shared_corpus() -> Iterator[tuple[str, list[Any]]]:
    for path in sorted((SHARED / "bfcl").glob("BFCL_v4_*.json")):
        for number, line in enumerate(path.read_text("utf-8").splitlines()):
            try:
                record = json.loads(line)
            except ValueError:
                continue  # multi-line index files carry no function docs
            if isinstance(record, dict) and record.get("function"):
                yield f"{path.name}:{number}", record["function"]
    for path in sorted((SHARED / "bfcl" / "multi_turn_func_doc").glob("*.json")):
        yield path.name, [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    decoder = json.JSONDecoder()
    for path in sorted((SHARED / "samples").glob("*.json")):
        for number, record in enumerate(json.loads(path.read_text("utf-8"))):
            tools = json.loads(record["tools"]) if record.get("tools", "").strip() else []
            system = record.get("system", "")
            if not tools and "[" in system:
                tools, _ = decoder.raw_decode(system[system.index("[") :])
            if tools:
                yield f"{path.name}:{number}", tools


def exercise(toolsets: Iterable[tuple[str, list[Any]]]) -> tuple[Counter[str], list[str]]:
    """Compile each distinct tool list and call every tool once with valid arguments."""
    counts: Counter[str] = Counter()
    problems: list[str] = []
    seen: set[tuple[str, ...]] = set()
    with MockRunner("inprocess") as runner:
        for source, objects in toolsets:
            specs: list[ToolSpec] = [import_tool(o) for o in objects]
            key = tuple(s.spec_hash for s in specs)
            if key in seen:
                continue
            seen.add(key)
            counts["toolsets"] += 1
            bundle = compile_toolset(specs)
            counts["compile errors"] += len(bundle.errors)
            problems += [f"{source}: {e.tool}: {e.message}" for e in bundle.errors]
            session = runner.session(bundle)
            for tool in bundle.manifest.tools:
                counts["tools"] += 1
                args = example_arguments(tool)
                if args is None:
                    counts["no valid call (spec defect)"] += 1
                    continue
                out = session.call(tool.name, args)
                if not out.ok:
                    problems.append(f"{source}: {tool.name}: {out.findings}")
                    continue
                try:
                    jsonschema.validate(out.result, tool.response_schema)
                except jsonschema.ValidationError as exc:
                    problems.append(f"{source}: {tool.name}: response {exc.message}")
                    continue
                counts["answered validly"] += 1
    return counts, problems


def test_bundled_real_tool_lists(data_dir: Path) -> None:
    counts, problems = exercise(bundled(data_dir))
    assert problems == []
    assert counts["toolsets"] == 56
    assert counts["answered validly"] == counts["tools"] >= 150


def test_a_tools_file_in_each_dialect_reads(data_dir: Path, tmp_path: Path) -> None:
    for source, tools in bundled(data_dir):
        path = tmp_path / "TOOLS.json"
        path.write_text(json.dumps(tools), encoding="utf-8")
        specs, errors = read_tools(path)
        assert len(specs) == len(tools) and not errors, source


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="the full corpus lives in /work/shared/data")
def test_full_corpus() -> None:
    counts, problems = exercise(shared_corpus())
    assert problems == []
    assert counts["compile errors"] == 0
    assert counts["answered validly"] + counts["no valid call (spec defect)"] == counts["tools"]
    assert counts["no valid call (spec defect)"] <= 5
