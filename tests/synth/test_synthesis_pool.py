"""API pool self-evolution with plain-function checks: gates, provenance, resume, hostility."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

from synth import (
    OfflineProposer,
    PoolBuilder,
    PoolEntry,
    classify,
    make_proposer,
    param_types,
    proposer_names,
    read_pool,
)
from tests.synth.synth_fakes import CITY, tool
from toolspec import ToolSpec, load_tools_file
from toolspec.errors import ConfigError, DatasetError


def no_problems(spec: ToolSpec) -> list[str]:
    return []


def seeds(examples_dir: Path) -> list[tuple[ToolSpec, str]]:
    path = examples_dir / "seeds" / "glaive_tools.json"
    return [(s, path.name) for s in load_tools_file(path)]


def build(out: Path, target: int, seed_specs: list[tuple[ToolSpec, str]], **kw: Any) -> PoolBuilder:
    builder = PoolBuilder(
        make_proposer("offline"),
        spec_check=kw.pop("spec_check", no_problems),
        compile_check=kw.pop("compile_check", no_problems),
        **kw,
    )
    builder.build(seed_specs, out, target)
    return builder


def test_grows_to_target_with_every_origin(tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "pool.jsonl"
    builder = build(out, 150, seeds(examples_dir)[:20])
    pool = read_pool(out)
    assert len(pool) == 150 == builder.stats.size
    origins = {e.provenance["origin"] for e in pool}
    assert origins == {"seed", "speciation", "adaptation", "evolution"}
    assert all(e.domain.count("/") == 1 for e in pool)
    assert len({e.name for e in pool}) == 150
    adapted = next(e for e in pool if e.provenance["origin"] == "adaptation")
    assert adapted.provenance["parent"] in {e.name for e in pool}
    assert adapted.provenance["generator"] == "offline"
    types = builder.stats.param_types
    assert {"string", "integer", "number", "array", "enum"} <= set(types)


def test_every_candidate_passes_both_checks(tmp_path: Path, examples_dir: Path) -> None:
    checked: list[str] = []

    def spec_check(spec: ToolSpec) -> list[str]:
        checked.append(spec.name)
        return ["spec.unclear: no"] if spec.name.startswith("count_") else []

    def compile_check(spec: ToolSpec) -> list[str]:
        return ["does not compile"] if spec.name.endswith("_paged") else []

    out = tmp_path / "pool.jsonl"
    builder = build(
        out, 80, seeds(examples_dir)[:5], spec_check=spec_check, compile_check=compile_check
    )
    names = [e.name for e in read_pool(out)]
    assert not [n for n in names if n.startswith("count_") or n.endswith("_paged")]
    assert set(names) <= set(checked)
    assert builder.stats.rejected["spec.unclear"] > 0
    assert builder.stats.rejected["compile"] > 0
    assert "count_" in builder.stats.examples["spec.unclear"]


def test_resume_continues_and_equals_one_run(tmp_path: Path, examples_dir: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    build(one, 120, seeds(examples_dir)[:10])
    build(two, 60, seeds(examples_dir)[:10])
    resumed = build(two, 120, seeds(examples_dir)[:10])
    assert resumed.stats.resumed == 60
    assert one.read_bytes() == two.read_bytes()


def test_cut_last_line_is_repaired(tmp_path: Path, examples_dir: Path) -> None:
    out = tmp_path / "pool.jsonl"
    build(out, 30, seeds(examples_dir)[:10])
    raw = out.read_bytes()
    out.write_bytes(raw[: len(raw) - 40])  # an interrupted write
    assert len(read_pool(out)) == 29
    build(out, 40, seeds(examples_dir)[:10])
    assert len(read_pool(out)) == 40


def test_a_bad_line_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "pool.jsonl"
    out.write_bytes(b'{"name": "x"}\n{"name": "y", "description": "d"}\n')
    with pytest.raises(DatasetError, match="line 1 is not a pool entry"):
        read_pool(out)
    with pytest.raises(DatasetError, match="cannot read pool file"):
        read_pool(tmp_path / "missing.jsonl")


class HostileProposer(OfflineProposer):
    """Proposes garbage beside one good tool, and fails outright once."""

    name = "hostile"

    def speciate(
        self, domain: str, leaf: str, examples: Sequence[PoolEntry], rng: random.Random
    ) -> list[Any]:
        if leaf == "stock_market":
            raise ConfigError("the model did not answer")
        return [
            "not a tool",
            {
                "name": "x" * 100,
                "description": "A tool name too long to call.",
                "parameters": {"type": "object", "properties": {}},
            },
            {"name": "bad schema", "parameters": {"type": "object", "properties": 5}},
            tool(
                f"find_{leaf}_{rng.randint(0, 10**6)}",
                {"city": CITY},
                ["city"],
                f"Find {leaf} in a city.",
            ),
        ]


def test_hostile_proposals_are_counted_not_raised(tmp_path: Path) -> None:
    out = tmp_path / "pool.jsonl"
    builder = PoolBuilder(HostileProposer(), spec_check=no_problems, compile_check=no_problems)
    stats = builder.build([], out, 12)
    assert stats.size == 12
    assert stats.rejected["invalid"] >= 2
    assert stats.rejected["no_answer"] >= 1
    assert "did not answer" in stats.examples["no_answer"]


def test_stalls_when_nothing_new_comes(tmp_path: Path) -> None:
    class Dry(OfflineProposer):
        def speciate(self, *a: Any) -> list[Any]:
            return []

    out = tmp_path / "pool.jsonl"
    stats = PoolBuilder(Dry(), spec_check=no_problems, compile_check=no_problems).build([], out, 10)
    assert stats.stalled and stats.size == 0 and stats.rounds == 3


def test_proposer_registry() -> None:
    assert proposer_names() == ["llm", "offline"]
    with pytest.raises(ConfigError, match="known proposers: llm, offline"):
        make_proposer("gpt")
    with pytest.raises(ConfigError, match="needs a chat model"):
        make_proposer("llm")


def test_classify_and_param_types() -> None:
    tree = {"travel": ["flights", "lodging"], "weather": ["forecasts"]}
    assert classify("book_flight", "Book a flight to a city.", tree) == "travel/flights"
    assert classify("get_forecast", "Weather forecast.", tree) == "weather/forecasts"
    assert classify("xyz", "Nothing here.", tree) == "general/misc"
    nested = {"type": "object", "properties": {"n": {"type": "integer"}}}
    schema = {"properties": {"a": {"type": "string", "enum": ["x"]}, "o": nested}}
    assert param_types(schema) == ["enum", "object", "integer"]


def test_pool_line_round_trips(tmp_path: Path) -> None:
    e = PoolEntry(
        name="f",
        description="Do f.",
        parameters={"type": "object"},
        domain="a/b",
        provenance={"origin": "seed"},
    )
    assert PoolEntry.model_validate(orjson.loads(e.line())) == e
    assert e.spec().name == "f"


def test_concurrent_requests_build_the_same_pool(tmp_path: Path, examples_dir: Path) -> None:
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    build(one, 90, seeds(examples_dir)[:10])
    build(many, 90, seeds(examples_dir)[:10], concurrency=4)
    assert one.read_bytes() == many.read_bytes()
