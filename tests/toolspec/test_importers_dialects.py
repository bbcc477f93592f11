"""Each dialect on real tool objects (tests/data/specs, see SOURCE.md there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from toolspec import ORIGINAL_TYPE_KEY, ToolSpec, detect_dialect, import_tool, load_tools_file


def _records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _bfcl_docs(path: Path) -> list[dict[str, Any]]:
    return [fn for record in _records(path) for fn in record["function"]]


def _types(schema: Any) -> set[str]:
    """Every ``type`` string used anywhere in a schema (properties, items, combinators)."""
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    found = {kind} if isinstance(kind, str) else set(kind or [])
    subs = list((schema.get("properties") or {}).values())
    subs += [schema.get(k) for k in ("items", "additionalProperties")]
    for key in ("prefixItems", "anyOf", "oneOf", "allOf"):
        subs += schema.get(key) or []
    for sub in subs:
        found |= _types(sub)
    return found


JSON_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}


def _check(spec: ToolSpec) -> None:
    Draft202012Validator.check_schema(spec.parameters)
    assert spec.parameters["type"] == "object"
    assert _types(spec.parameters) <= JSON_TYPES


@pytest.mark.parametrize("name", ["bfcl_java.jsonl", "bfcl_javascript.jsonl", "bfcl_python.jsonl"])
def test_bfcl_docs_become_json_schema(data_dir: Path, name: str) -> None:
    for doc in _bfcl_docs(data_dir / "specs" / name):
        spec = import_tool(doc)
        assert spec.dialect == "bfcl"
        assert spec.name == doc["name"]
        assert spec.description == doc["description"]
        assert list(spec.properties) == list(doc["parameters"]["properties"])
        assert spec.required == doc["parameters"]["required"]
        _check(spec)


def test_java_type_names_are_mapped_and_kept(data_dir: Path) -> None:
    docs = {d["name"]: d for d in _bfcl_docs(data_dir / "specs" / "bfcl_java.jsonl")}
    updated = import_tool(docs["PmsProductServiceImpl.updateNewStatus"])
    ids = updated.properties["ids"]
    assert ids["type"] == "array"
    assert ids[ORIGINAL_TYPE_KEY] == "ArrayList"
    assert ids["items"] == {"type": "integer", ORIGINAL_TYPE_KEY: "long"}
    proposals = import_tool(docs["SQLCompletionAnalyzer.makeProposalsFromObject"])
    assert proposals.properties["object"] == {
        ORIGINAL_TYPE_KEY: "any",
        "description": "The database object for which to generate proposals.",
    }
    assert proposals.properties["params"]["type"] == "object"
    assert proposals.properties["params"][ORIGINAL_TYPE_KEY] == "HashMap"


def test_javascript_empty_type_means_any(data_dir: Path) -> None:
    docs = {d["name"]: d for d in _bfcl_docs(data_dir / "specs" / "bfcl_javascript.jsonl")}
    spec = import_tool(docs["createAuthToken"])
    issuer = spec.properties["options"]["properties"]["issuer"]
    assert "type" not in issuer
    assert issuer[ORIGINAL_TYPE_KEY] == ""
    assert spec.properties["username"]["type"] == "string"
    assert spec.properties["username"][ORIGINAL_TYPE_KEY] == "String"


def test_bfcl_tuple_and_float(data_dir: Path) -> None:
    docs = {d["name"]: d for d in _bfcl_docs(data_dir / "specs" / "bfcl_python.jsonl")}
    tuples = [
        (name, prop)
        for name, doc in docs.items()
        for prop in import_tool(doc).properties.values()
        if prop.get(ORIGINAL_TYPE_KEY) == "tuple"
    ]
    assert tuples, "the sample holds BFCL 'tuple' parameters"
    for _, prop in tuples:
        assert prop["type"] == "array"
    floats = [
        prop
        for doc in docs.values()
        for prop in import_tool(doc).properties.values()
        if prop.get(ORIGINAL_TYPE_KEY) == "float"
    ]
    assert floats and all(p["type"] == "number" for p in floats)


def test_bfcl_multi_turn_response_becomes_output_schema(data_dir: Path) -> None:
    docs = _records(data_dir / "specs" / "bfcl_multi_turn_func_doc.jsonl")
    for doc in docs:
        spec = import_tool(doc)
        assert spec.dialect == "bfcl"
        _check(spec)
        assert spec.output_schema is not None
        Draft202012Validator.check_schema(spec.output_schema)
        assert spec.output_schema["type"] == "object"
    by_name = {d["name"]: import_tool(d) for d in docs}
    assert by_name["get_flight_cost"].hints == {"/properties/travel_date": "date"}


def test_toolace_tools(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "toolace_tools.json").read_bytes())
    specs = [import_tool(t) for t in tools]
    assert {s.dialect for s in specs} == {"toolace"}
    for spec in specs:
        _check(spec)
    by_name = {s.name: s for s in specs}
    trends = by_name["Market Trends API"]
    assert trends.hints == {
        "/properties/country": "iso3166-alpha2",
        "/properties/language": "iso639-1",
    }
    assert trends.required == ["trend_type"]
    futures = by_name["Get Futures Prices"]
    assert futures.hints == {"/properties/start_string": "date", "/properties/end_string": "date"}
    cars = by_name["Get Cars Information"]
    assert cars.properties["cylinders"]["type"] == "number"
    assert cars.properties["cylinders"][ORIGINAL_TYPE_KEY] == "float"
    nullable = [s for s in specs if s.properties.get("state", {}).get("type") == ["string", "null"]]
    assert nullable, "ToolACE record 81 has a ['string', 'null'] type"


def test_toolace_with_explicit_dialect_imports_the_same_schema(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "toolace_tools.json").read_bytes())
    for tool in tools:
        auto = import_tool(tool)
        for dialect in ("bfcl", "function", "openai", "glaive"):
            named = import_tool(tool, dialect)
            assert named.dialect == dialect
            assert (named.parameters, named.hints) == (auto.parameters, auto.hints)


def test_glaive_tools(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "glaive_tools.json").read_bytes())
    for tool in tools:
        spec = import_tool(tool, "glaive")
        assert spec.dialect == "glaive"
        _check(spec)
        assert spec.parameters == tool["parameters"]  # already JSON Schema: unchanged
        assert detect_dialect(tool) == "function"


def test_hermes_tools_wrapped_bare_and_without_parameters(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "hermes_tools.json").read_bytes())
    specs = {s.name: s for s in (import_tool(t, "hermes") for t in tools)}
    assert {s.dialect for s in specs.values()} == {"hermes"}
    assert specs["get_current_time"].parameters == {"type": "object", "properties": {}}
    assert specs["list_alarms"].parameters == {"type": "object", "properties": {}}
    assert specs["get_stock_fundamentals"].required == ["symbol"]
    assert specs["send_invite"].hints == {
        "/properties/to": "email",
        "/properties/start": "date-time",
    }
    assert [detect_dialect(t) for t in tools] == ["openai", "openai", "openai", "function"]


def test_xlam_tools(data_dir: Path) -> None:
    tools = orjson.loads((data_dir / "specs" / "xlam_tools.json").read_bytes())
    assert [detect_dialect(t) for t in tools] == ["xlam"] * len(tools)
    specs = {s.name: s for s in (import_tool(t) for t in tools)}
    kinds = specs["giveaways_by_kind"]  # a parameter called "type" is not a schema keyword
    assert kinds.properties["type"]["type"] == "string"
    assert kinds.required == []  # it has a default
    merge = specs["merge_sorted"]
    assert merge.properties["list1"]["items"] == {"type": "integer"}
    assert merge.required == ["list1", "list2"]
    hotels = specs["search_hotels"]
    assert hotels.required == ["city", "checkin"]
    assert hotels.properties["guests"]["type"] == "integer"
    assert hotels.properties["amenities"]["items"] == {"type": "string"}
    assert hotels.hints == {"/properties/checkin": "date"}
    record = specs["update_record"]
    assert record.properties["fields"]["type"] == "object"
    assert record.properties["point"]["prefixItems"] == [{"type": "number"}, {"type": "number"}]
    assert record.required == ["record_id", "fields", "point"]
    for name in ("giveaways_by_kind", "merge_sorted", "search_hotels", "update_record"):
        _check(specs[name])
    # an annotation the table does not know stays as written: the rule layer reports it
    assert specs["callback_runner"].properties["fn"]["type"] == "Callable[[int], int]"


def test_load_tools_file_reads_every_shape(data_dir: Path) -> None:
    specs = data_dir / "specs"
    java = load_tools_file(specs / "bfcl_java.jsonl")
    assert [s.name for s in java] == [d["name"] for d in _bfcl_docs(specs / "bfcl_java.jsonl")]
    assert len(load_tools_file(specs / "bfcl_multi_turn_func_doc.jsonl")) == 27
    assert len(load_tools_file(specs / "toolace_tools.json")) == 46
    assert [s.name for s in load_tools_file(specs / "openapi_petstore.json")] == [
        "listPets",
        "post_pets",
        "showPetById",
        "tagPet",
    ]
