"""OpenAPI 3 documents → one tool per operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from toolspec import SpecError, import_openapi, import_tools


@pytest.fixture
def petstore(data_dir: Path) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads((data_dir / "specs" / "openapi_petstore.json").read_bytes())
    return doc


def test_one_tool_per_operation(petstore: dict[str, Any]) -> None:
    specs = {s.name: s for s in import_openapi(petstore)}
    assert list(specs) == ["listPets", "post_pets", "showPetById", "tagPet"]
    assert {s.dialect for s in specs.values()} == {"openapi3"}
    for spec in specs.values():
        Draft202012Validator.check_schema(spec.parameters)
        if spec.output_schema is not None:
            Draft202012Validator.check_schema(spec.output_schema)
    assert import_tools(petstore) == list(specs.values())


def test_parameters_from_query_header_and_path(petstore: dict[str, Any]) -> None:
    specs = {s.name: s for s in import_openapi(petstore)}
    listing = specs["listPets"]
    assert listing.description == "List pets"
    assert listing.properties["limit"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "description": "How many pets to return at most.",
        "x-openapi-in": "query",
    }
    assert listing.properties["X-Trace-Id"]["x-openapi-in"] == "header"  # via $ref
    assert listing.required == []
    one = specs["showPetById"]
    assert one.required == ["petId"]  # path parameters are always required
    assert one.properties["petId"]["format"] == "uuid"


def test_request_bodies_and_responses(petstore: dict[str, Any]) -> None:
    specs = {s.name: s for s in import_openapi(petstore)}
    create = specs["post_pets"]
    assert create.required == ["name"]
    assert create.properties["tag"]["type"] == ["string", "null"]  # 3.0 nullable
    assert create.properties["weight"]["exclusiveMinimum"] == 0  # 3.0 boolean bound
    assert "minimum" not in create.properties["weight"]
    assert create.hints == {"/properties/born": "date"}
    assert create.output_schema is not None and "allOf" in create.output_schema  # 201
    tag = specs["tagPet"]
    assert tag.properties["body"]["type"] == "array"  # a non-object body is one argument
    assert tag.output_schema is None  # 204: no JSON response
    listing = specs["listPets"]
    assert listing.output_schema is not None
    assert listing.output_schema["items"]["allOf"][1]["properties"]["id"]["format"] == "uuid"


def test_recursive_ref_is_a_clear_error(data_dir: Path) -> None:
    doc = orjson.loads((data_dir / "specs" / "openapi_recursive.json").read_bytes())
    with pytest.raises(SpecError, match=r"recursive \$ref.*Node -> #/components/schemas/Node"):
        import_openapi(doc)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"swagger": "2.0", "paths": {}}, "OpenAPI 2"),
        ({"openapi": "2.1", "paths": {}}, "not an OpenAPI 3"),
        ({"openapi": "3.0.0"}, "'paths'"),
        (
            {"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "x.json#/p"}]}}}},
            "only local",
        ),
        (
            {"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/nope"}]}}}},
            "points nowhere",
        ),
        ([], "must be a JSON object"),
    ],
)
def test_bad_documents(doc: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        import_openapi(doc)


def test_name_without_operation_id_and_colliding_body_property() -> None:
    doc = {
        "openapi": "3.1.0",
        "paths": {
            "/users/{id}/rename": {
                "post": {
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                    "requestBody": {
                        "content": {
                            "application/vnd.api+json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"id": {"type": "string"}},
                                    "required": ["id"],
                                }
                            }
                        }
                    },
                }
            }
        },
    }
    (spec,) = import_openapi(doc)
    assert spec.name == "post_users_id_rename"
    assert list(spec.properties) == ["id", "body_id"]
    assert spec.required == ["id", "body_id"]
