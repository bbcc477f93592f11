"""``mock_apis.compile``: plans, manifest, per-tool errors, content addressing and the cache."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest

from mock_apis import MockBundle, compile
from mock_apis._compiler import BundleCache
from mock_apis._compiler._impls import split, syntax_check
from mock_apis._compiler._patterns import expand, program
from mock_apis._runtime import tpmock_values
from toolspec import ToolSpec
from toolspec.errors import CompileError


def spec(name: str, desc: str = "", **props: Any) -> ToolSpec:
    required = [k for k in props if not k.startswith("opt_")]
    return ToolSpec(
        name=name,
        description=desc,
        parameters={"type": "object", "properties": props, "required": required},
    )


STR = {"type": "string"}
ORDERS = [
    spec("create_order", "Place an order", item=STR, quantity={"type": "integer", "minimum": 1}),
    spec("get_order", "Look up an order", order_id={"type": "string", "pattern": r"^ORD-\d{6}$"}),
    spec("cancel_order", "Cancel an order", order_id=STR),
    spec("get_weather", "Current weather", location=STR),
]


def test_the_runtime_expands_patterns_like_the_compiler() -> None:
    prog = program(r"^[A-Z]{3}-\d{2,4}(x|yz)?$")
    assert prog is not None
    assert expand(prog, random.Random(5)) == tpmock_values.expand(prog, random.Random(5))


def test_manifest_describes_operations_entities_and_shapes() -> None:
    bundle = compile(ORDERS)
    m = bundle.manifest
    kinds = {t.name: (t.kind, t.entity, t.deterministic) for t in m.tools}
    assert kinds == {
        "create_order": ("create", "order", False),
        "get_order": ("get", "order", False),
        "cancel_order": ("cancel", "order", False),
        "get_weather": ("get", None, True),
    }
    assert m.entities["order"].id_field == "order_id"
    assert sorted(m.entities["order"].tools) == ["cancel_order", "create_order", "get_order"]
    weather = bundle.tool("get_weather")
    assert weather is not None
    assert {"temperature", "condition", "units"} <= set(weather.response_schema["properties"])
    created = bundle.tool("create_order")
    assert created is not None
    # the id a create returns has the shape get_order demands
    assert created.response_schema["properties"]["order_id"]["pattern"] == r"^ORD-\d{6}$"
    assert bundle.entries["get_weather"] == "tool_get_weather"
    assert not bundle.errors


def test_unpatterned_ids_take_their_family_prefix() -> None:
    """A family whose tools never say what its ids look like still answers ids of one
    shape, the one the synthesis catalogue gives that family (``MM-123456``), and an id
    field of a stateless answer is named after its own family, not a random prefix."""
    bundle = compile([
        spec("search_molar_masses", "Search molar masses", formula=STR),
        spec("list_molar_masses", "List molar masses", opt_page={"type": "integer"}),
        spec("get_weather_station", "Get a weather station", station_id=STR),
    ])  # fmt: skip
    search = bundle.tool("search_molar_masses")
    assert search is not None
    item = search.response_schema["properties"]["results"]["items"]
    ids = item["properties"]["molar_mass_id"]
    rng = random.Random(3)
    values = {expand(ids["x-pattern"], rng) for _ in range(20)}
    assert all(v.startswith("MM-") and v[3:].isdigit() and len(v) == 9 for v in values)
    station = bundle.tool("get_weather_station")
    assert station is not None
    station_id = station.parameters["properties"]["station_id"]
    assert expand(station_id["x-pattern"], rng).startswith("STA-")
    assert tpmock_values.ident(rng)[2] == "-"  # a bare ``id`` keeps the generic shape


def test_a_lone_search_answers_its_own_ids_not_filler_names() -> None:
    """A list or search with no entity state answers items of its own family (their id,
    the query's fields, a creation time), never a made-up ``name``, and a batch get's
    items do not repeat the whole list of ids asked for."""
    bundle = compile([
        spec("list_smog_warnings", "List smog warnings", page={"type": "integer"}),
        spec("batch_get_heating_oil_deliveries", "Get up to 20 deliveries",
             heating_oil_delivery_ids={"type": "array", "items": STR}),
    ])  # fmt: skip
    grouped = compile([
        spec("get_spreadsheet", "Get a spreadsheet", spreadsheet_id=STR),
        spec("batch_get_spreadsheets", "Get spreadsheets",
             spreadsheet_ids={"type": "array", "items": STR}),
    ])  # fmt: skip
    assert "spreadsheet_ids" not in grouped.manifest.entities["spreadsheet"].fields
    for tool, family in (("list_smog_warnings", "smog_warning"),
                         ("batch_get_heating_oil_deliveries", "heating_oil_delivery")):  # fmt: skip
        entry = bundle.tool(tool)
        assert entry is not None
        item = entry.response_schema["properties"]["results"]["items"]["properties"]
        assert set(item) == {f"{family}_id", "created_at"}, item


def test_an_operation_on_an_entity_answers_its_own_shape() -> None:
    """``export_comedians`` beside ``get_comedian``/``delete_comedian`` answers a download,
    not a comedian; a comedian's name is a person's; a change log names who changed it."""
    bundle = compile([
        spec("get_comedian", "Get one comedian", comedian_id=STR),
        spec("delete_comedian", "Delete a comedian", comedian_id=STR),
        spec("export_comedians", "Export comedians", format=STR),
        spec("create_comedian", "Create a comedian", comedian_name=STR),
        spec("get_comedian_history", "Changes of a comedian", comedian_id=STR),
    ])  # fmt: skip
    listed = compile([spec("search_sms_audiences", "Search SMS audiences", list_name=STR)])
    search = listed.tool("search_sms_audiences")
    assert search is not None and "results" in search.response_schema["properties"]
    export = bundle.tool("export_comedians")
    assert export is not None and "download_url" in export.response_schema["properties"]
    created = bundle.tool("create_comedian")
    assert created is not None
    assert created.response_schema["properties"]["comedian_name"]["x-gen"] == "full_name"
    history = bundle.tool("get_comedian_history")
    assert history is not None
    change = history.response_schema["properties"]["changes"]["items"]["properties"]
    assert change["changed_by"]["x-gen"] == "full_name"


def test_bad_tools_cost_only_themselves() -> None:
    recursive = ToolSpec(
        name="tree",
        parameters={"type": "object", "properties": {"n": {"$ref": "#/$defs/n"}},
                    "$defs": {"n": {"type": "object", "properties": {"c": {"$ref": "#/$defs/n"}}}}},
    )  # fmt: skip
    specs = [
        *ORDERS,
        recursive,
        spec("get_weather", "a different tool with the same name", city=STR),
        spec("Get Weather!", "same identifier as get_weather? no: Get_Weather", city=STR),
        spec("get.weather", "identifier get_weather collides", city=STR),
        spec("conditional", x={"type": "string", "if": {}}),
        spec("broken", x={"type": "dict"}),
        spec("\x07bell"),
    ]
    bundle = compile(specs)
    errors = {(e.tool, e.code) for e in bundle.errors}
    assert errors == {
        ("get_weather", "spec.duplicate"),
        ("get.weather", "spec.bad_name"),
        ("broken", "spec.invalid_schema"),
        ("\x07bell", "spec.bad_name"),
    }
    # a recursive $ref and ``if`` are checked on the host: such tools are mocked
    assert [t.name for t in bundle.manifest.tools] == [
        "create_order", "get_order", "cancel_order", "get_weather", "tree", "Get Weather!",
        "conditional",
    ]  # fmt: skip
    odd = bundle.tool("Get Weather!")
    assert odd is not None and odd.entry == "tool_Get_Weather"
    assert any("not a Python identifier" in n for n in odd.notes)


def test_identical_duplicates_are_silently_merged() -> None:
    bundle = compile([ORDERS[3], ORDERS[3]])
    assert len(bundle.manifest.tools) == 1
    assert not bundle.errors


def test_compile_rejects_what_is_not_a_spec() -> None:
    with pytest.raises(CompileError):
        compile([{"name": "x"}])  # type: ignore[list-item]


def test_bundles_are_content_addressed() -> None:
    a, b = compile(ORDERS), compile(list(ORDERS))
    assert a.sha256 == b.sha256 and a.modules == b.modules
    assert compile(ORDERS, seed=1).sha256 != a.sha256
    assert compile(ORDERS[:3]).sha256 != a.sha256
    assert compile(ORDERS, impl_source="").sha256 != a.sha256


def test_cache_round_trip(tmp_path: Path) -> None:
    bundle = compile(ORDERS, cache_dir=tmp_path)
    assert (tmp_path / bundle.sha256 / "manifest.json").is_file()
    start = time.perf_counter()
    again = compile(ORDERS, cache_dir=tmp_path)
    assert time.perf_counter() - start < 0.5
    assert again == bundle


def test_a_damaged_cache_entry_is_recompiled(tmp_path: Path) -> None:
    bundle = compile(ORDERS, cache_dir=tmp_path)
    (tmp_path / bundle.sha256 / "manifest.json").write_text("{", encoding="utf-8")
    assert BundleCache(tmp_path).get(bundle.sha256) is None
    assert compile(ORDERS, cache_dir=tmp_path) == bundle


def test_write_and_read(tmp_path: Path) -> None:
    bundle = compile(ORDERS, impl_source="def get_weather(location):\n    return {'t': 1}\n")
    bundle.write(tmp_path / "out")
    assert MockBundle.read(tmp_path / "out") == bundle
    bundle.write(tmp_path / "out")  # overwriting an existing bundle directory works
    with pytest.raises(CompileError):
        MockBundle.read(tmp_path / "missing")


IMPL = """import json

RATE = 2


def get_weather(location):
    return {"location": location, "temperature": 20 * RATE}


def cancel_order(order_id)
    return None


@staticmethod
def helper(x):
    return x


def unknown_tool():
    return 1
"""


def test_impls_split_per_function() -> None:
    parts = split(IMPL, syntax_check)
    assert set(parts.functions) == {"get_weather", "helper", "unknown_tool"}
    assert set(parts.errors) == {"cancel_order"}
    assert parts.prelude.startswith("import json")
    assert "def cancel_order" not in parts.source()


def test_impls_replace_generated_mocks_tool_by_tool() -> None:
    bundle = compile(ORDERS, impl_source=IMPL)
    sources = {t.name: t.source for t in bundle.manifest.tools}
    assert sources["get_weather"] == "impl"
    assert sources["cancel_order"] == "generated"
    assert [(e.tool, e.code) for e in bundle.errors] == [("cancel_order", "compile.impl")]
    assert bundle.manifest.impl_module in bundle.modules


def test_an_impl_prelude_that_does_not_compile_disables_the_file() -> None:
    bundle = compile(ORDERS, impl_source="import (\n\ndef get_weather(location):\n    return 1\n")
    assert {e.tool for e in bundle.errors} == {"get_weather"}
    assert all(t.source == "generated" for t in bundle.manifest.tools)


def test_manifest_spec_hashes_are_those_of_the_specs_as_given() -> None:
    declared = ToolSpec(
        name="get_user",
        parameters={"type": "object", "properties": {"id": {"type": "string"}}},
        output_schema={"type": "object", "properties": {"u": {"$ref": "#/$defs/u"}},
                       "$defs": {"u": {"type": "string"}}},
    )  # fmt: skip
    bundle = compile([declared, *ORDERS])
    assert {t.name: t.spec_hash for t in bundle.manifest.tools} == {
        s.name: s.spec_hash for s in [declared, *ORDERS]
    }
    user = bundle.tool("get_user")
    assert user is not None and user.declared_output
    assert user.response_schema["properties"]["u"] == {"type": "string"}  # refs resolved
