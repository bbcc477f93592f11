"""The offline generator's vocabulary and designer moves: a credible pool of APIs."""

from __future__ import annotations

import random
import re
from pathlib import Path

from synth import PoolBuilder, catalogue, make_proposer, read_pool, seed_catalogue
from synth._catalogue import field_schema, plural
from synth._designs import MAX_WORDS
from synth._values import Picker, valid
from toolspec import ToolSpec


def no_problems(spec: ToolSpec) -> list[str]:
    return []


def test_the_tree_has_toolace_shape() -> None:
    tree = catalogue().tree()
    assert len(tree) == 30
    assert sum(len(leaves) for leaves in tree.values()) == 390
    assert all(len(set(leaves)) == len(leaves) for leaves in tree.values())


def test_every_field_has_a_described_schema_and_a_value_that_fits() -> None:
    rng = random.Random(0)
    picker = Picker()
    for entities in catalogue().entities.values():
        for entity in entities:
            for name in entity.fields:
                schema = field_schema(name, entity.name)
                assert schema["description"].endswith("."), (entity.name, name)
                assert valid(picker.value(name, schema, rng), schema), (entity.name, name)


def test_values_follow_meaning() -> None:
    rng = random.Random(1)
    picker = Picker()
    cities = {picker.value("origin_city", field_schema("origin_city", "flight"), rng)
              for _ in range(20)}  # fmt: skip
    assert "Lisbon" in cities or "Paris" in cities
    assert all(c[0].isupper() and not any(ch.isdigit() for ch in c) for c in cities)
    for _ in range(10):
        assert re.fullmatch(r"[A-Z]{3}", picker.value("base_currency", field_schema(
            "base_currency", "exchange_rate"), rng))  # fmt: skip
        assert re.fullmatch(r"ORD-\d{6}", picker.value("order_number", field_schema(
            "order_number", "order_status"), rng))  # fmt: skip
        amount = picker.value("amount", field_schema("amount", "payment"), rng)
        assert 1 <= amount <= 2000
    assert plural("policy") == "policies" and plural("tax") == "taxes"


def test_the_default_seeds_are_real_specs_with_their_sources() -> None:
    seeds = seed_catalogue()
    assert len(seeds) > 2000
    sources = {source.split("/")[0] for _, source in seeds}
    assert {"BFCL_v4_simple_python.json", "glaive_toolcall_en_demo.json",
            "toolace_sharegpt_100.json", "multi_turn_func_doc"} <= sources  # fmt: skip


def test_derived_apis_are_one_designer_change(tmp_path: Path) -> None:
    out = tmp_path / "pool.jsonl"
    seeds = list(seed_catalogue())[::40]
    builder = PoolBuilder(make_proposer("offline"), spec_check=no_problems,
                          compile_check=no_problems)  # fmt: skip
    builder.build(seeds, out, 1500)
    pool = {e.name: e for e in read_pool(out)}
    derived = [e for e in pool.values() if e.provenance["origin"] in ("adaptation", "evolution")]
    assert len(derived) > 200
    made = {e.name.split("_")[0] for e in derived}
    assert {"list", "batch", "update", "delete"} <= made
    assert any(e.name.endswith("_paged") for e in derived)
    for entry in derived:
        assert len(entry.name.split("_")) <= MAX_WORDS, entry.name
        parent = pool[entry.provenance["parent"]]
        assert parent.provenance["origin"] in ("seed", "speciation"), entry.name
        assert entry.domain == parent.domain
        assert parent.name not in entry.description, entry.name
        assert not re.search(r"_(with_options|by_\w+|sorted|since)$", entry.name)
    speciated = [e for e in pool.values() if e.provenance["origin"] == "speciation"]
    assert speciated
    generic = {"start_date", "end_date", "format", "notify_email", "month", "since_date"}
    for entry in speciated:
        entities = catalogue().entities[entry.domain]
        own = [e for e in entities if e.name in entry.name or plural(e.name) in entry.name]
        allowed = {f for e in own for f in (*e.fields, f"{e.name}_id", f"{e.name}_ids")}
        assert set(entry.parameters["properties"]) <= allowed | generic, entry.name
