"""OpenAPI 3 documents → one ``ToolSpec`` per operation.

A tool's arguments are the operation's path, query and header parameters plus the
properties of its JSON request body (a non-object body becomes one ``body`` argument);
each property records where it goes in ``x-openapi-in`` so a request can be rebuilt. The
output schema is the JSON schema of the 200 (else 201) response.

Local ``$ref``s are inlined. A reference cycle cannot be inlined, so it is a
``SpecError`` naming the chain, never an endless recursion; so are remote references and
nesting beyond :data:`MAX_REF_DEPTH`. OpenAPI 3.0's ``nullable`` and boolean
``exclusiveMinimum``/``exclusiveMaximum`` are rewritten to their JSON Schema 2020-12 form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toolspec._importers._common import build_spec
from toolspec._spec import ToolSpec
from toolspec.errors import SpecError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_REF_DEPTH = 32
_PARAM_LOCATIONS = ("path", "query", "header")


def import_openapi(doc: Any) -> list[ToolSpec]:
    """Every operation of an OpenAPI 3 document as a ``ToolSpec`` (dialect ``openapi3``)."""
    if not isinstance(doc, Mapping):
        raise SpecError(f"an OpenAPI document must be a JSON object, got {type(doc).__name__}")
    if "swagger" in doc:
        raise SpecError("OpenAPI 2 (Swagger) is not supported; convert it to OpenAPI 3")
    version = doc.get("openapi")
    if not (isinstance(version, str) and version.startswith("3")):
        raise SpecError(f"not an OpenAPI 3 document (openapi: {version!r})")
    paths = doc.get("paths")
    if not isinstance(paths, Mapping):
        raise SpecError("an OpenAPI document needs a 'paths' object")
    resolver = _Resolver(doc)
    specs: list[ToolSpec] = []
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            raise SpecError(f"path {path!r}: a path item must be an object")
        item = resolver.resolve(item, f"path {path!r}")
        shared = item.get("parameters") or []
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                specs.append(_operation(resolver, str(path), method, operation, shared))
    return specs


def operation_name(method: str, path: str) -> str:
    """``get /pets/{petId}`` → ``get_pets_petId``: the name of an operation without an id."""
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{method}_{path}").strip("_")


def _operation(
    resolver: _Resolver, path: str, method: str, op: Mapping[str, Any], shared: Any
) -> ToolSpec:
    op_id = op.get("operationId")
    name = op_id if isinstance(op_id, str) and op_id else operation_name(method, path)
    where = f"{method.upper()} {path}"
    properties: dict[str, Any] = {}
    required: list[str] = []
    params: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*_as_list(shared, where), *_as_list(op.get("parameters"), where)]:
        one = resolver.resolve(raw, where)
        if isinstance(one.get("name"), str) and one.get("in") in _PARAM_LOCATIONS:
            params[(one["name"], one["in"])] = one  # the operation's own wins
    for (pname, location), param in params.items():
        schema = dict(resolver.resolve(param.get("schema") or {}, where))
        if isinstance(param.get("description"), str) and "description" not in schema:
            schema["description"] = param["description"]
        schema["x-openapi-in"] = location
        properties[pname] = schema
        if param.get("required") is True or location == "path":
            required.append(pname)
    _add_body(resolver, op.get("requestBody"), where, properties, required)
    return build_spec(
        name=name,
        description=_description(op),
        parameters={"type": "object", "properties": properties, "required": required},
        dialect="openapi3",
        output_schema=_output(resolver, op.get("responses"), where),
    )


def _add_body(
    resolver: _Resolver,
    raw: Any,
    where: str,
    properties: dict[str, Any],
    required: list[str],
) -> None:
    if not isinstance(raw, Mapping):
        return
    body = resolver.resolve(raw, where)
    schema = _json_schema(resolver, body.get("content"), where)
    if schema is None:
        return
    if schema.get("type") == "object" and isinstance(schema.get("properties"), Mapping):
        listed = schema.get("required")
        body_required: list[Any] = listed if isinstance(listed, list) else []
        for pname, sub in schema["properties"].items():
            key = pname if pname not in properties else f"body_{pname}"
            properties[key] = {**sub, "x-openapi-in": "body"} if isinstance(sub, Mapping) else sub
            if pname in body_required:
                required.append(key)
    else:
        properties["body"] = {**schema, "x-openapi-in": "body"}
        if body.get("required") is True:
            required.append("body")


def _output(resolver: _Resolver, responses: Any, where: str) -> dict[str, Any] | None:
    if not isinstance(responses, Mapping):
        return None
    for status in ("200", "201"):
        response = responses.get(status, responses.get(int(status)))
        if isinstance(response, Mapping):
            resolved = resolver.resolve(response, where)
            return _json_schema(resolver, resolved.get("content"), where)
    return None


def _json_schema(resolver: _Resolver, content: Any, where: str) -> dict[str, Any] | None:
    if not isinstance(content, Mapping):
        return None
    for media, entry in content.items():
        is_json = media == "application/json" or str(media).endswith("+json")
        if is_json and isinstance(entry, Mapping) and isinstance(entry.get("schema"), Mapping):
            return resolver.resolve(entry["schema"], where)
    return None


def _description(op: Mapping[str, Any]) -> str:
    parts = [op.get(k) for k in ("summary", "description")]
    texts = [p.strip() for p in parts if isinstance(p, str) and p.strip()]
    return "\n\n".join(dict.fromkeys(texts))


def _as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecError(f"{where}: 'parameters' must be a list")
    return value


class _Resolver:
    """Inlines local ``$ref``s; refuses cycles, remote references and runaway depth."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self._doc = doc

    def resolve(self, node: Any, where: str) -> dict[str, Any]:
        out = self._inline(node, where, ())
        if not isinstance(out, dict):
            raise SpecError(f"{where}: expected an object, got {type(out).__name__}")
        return out

    def _inline(self, node: Any, where: str, chain: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(n, where, chain) for n in node]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in chain:
                cycle = " -> ".join([*chain[chain.index(ref) :], ref])
                raise SpecError(f"{where}: recursive $ref cannot be inlined: {cycle}")
            if len(chain) >= MAX_REF_DEPTH:
                raise SpecError(f"{where}: $ref chain deeper than {MAX_REF_DEPTH}")
            target = self._lookup(ref, where)
            return self._inline(target, where, (*chain, ref))
        return _openapi30_to_2020({k: self._inline(v, where, chain) for k, v in node.items()})

    def _lookup(self, ref: str, where: str) -> Any:
        if not ref.startswith("#"):
            raise SpecError(f"{where}: only local $refs are supported, got {ref!r}")
        node: Any = self._doc
        for raw in ref[1:].split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                raise SpecError(f"{where}: $ref {ref!r} points nowhere")
            node = node[part]
        return node


def _openapi30_to_2020(schema: dict[str, Any]) -> dict[str, Any]:
    """``nullable: true`` → a ``null`` type; boolean exclusive bounds → numeric ones."""
    if schema.get("nullable") is True and isinstance(schema.get("type"), str):
        schema = {**schema, "type": [schema["type"], "null"]}
        del schema["nullable"]
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(flag), bool):
            schema = dict(schema)
            if schema.pop(flag) and bound in schema:
                schema[flag] = schema.pop(bound)
    return schema
