"""The OpenAPI document of a mock server, generated from the compiled specs.

One operation per tool at ``POST /tools/{name}``: the request body is the schema every
call's arguments are checked against (:func:`arguments_schema`; required unless ``{}``
satisfies it: no body is taken as ``{}``), a
200 answers ``{"result": <response schema>}`` (declared or inferred), and errors are
RFC 9457 problem+json documents carrying finding codes, one per status the server
answers (``_tool_calls``). Any other method on a tool's path answers 405, ``Allow: POST``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mock_apis import MockBundle
from mock_apis._compiler import ToolEntry, normalise
from toolspec import documented_schema

SESSION_HEADER = "X-Toolproof-Session"
PROBLEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "the first finding's code"},
        "tool": {"type": "string"},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "path": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code", "findings"],
}
ERRORS = {
    "400": "the body is not JSON (call.unparsable)",
    "404": "unknown tool (call.unknown_tool), or a record this session deleted (exec.error)",
    "413": "the body is over 4 MiB (call.unparsable)",
    "422": "invalid arguments (call.* finding codes)",
    "500": "the mock implementation raised (exec.error)",
    "502": "the sandbox died running the call (exec.crash)",
    "503": "no sandbox session could start (exec.crash)",
    "504": "the mock ran past its time limit (exec.timeout)",
}


def tool_path(name: str) -> str:
    return "/tools/" + quote(name, safe="")


def problem_response(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


def operation(tool: ToolEntry) -> dict[str, Any]:
    description = tool.description
    return {
        "operationId": tool.entry,
        "summary": description.split("\n")[0][:120] or tool.name,
        "description": description,
        "tags": [tool.entity or "tools"],
        "parameters": [
            {
                "name": SESSION_HEADER,
                "in": "header",
                "required": False,
                "description": "mock session: state (created records) is shared within one",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": body_required(tool.parameters),
            "content": {"application/json": {"schema": arguments_schema(tool)}},
        },
        "responses": {
            "200": {
                "description": "the mock's answer",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"result": tool.response_schema},
                            "required": ["result"],
                        }
                    }
                },
            },
            **{status: problem_response(text) for status, text in ERRORS.items()},
        },
    }


def arguments_schema(tool: ToolEntry) -> dict[str, Any]:
    """What the server accepts, as a document can say it: the tool's argument schema (the
    rule layer's strict one, which every call is checked against) with its local refs
    inlined, since a document's ``$ref`` would resolve against the document, and the
    formats its description states as standard keywords."""
    return documented_schema(normalise(tool.argument_schema, tool.name, []))  # type: ignore[no-any-return]


def body_required(parameters: dict[str, Any]) -> bool:
    """Whether ``{}`` (what an absent body stands for) fails the parameter schema."""
    return bool(parameters.get("required")) or int(parameters.get("minProperties", 0)) > 0


def openapi(bundle: MockBundle, title: str) -> dict[str, Any]:
    """The document: one operation per compiled tool."""
    paths = {tool_path(t.name): {"post": operation(t)} for t in bundle.manifest.tools}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": bundle.sha256[:12],
                 "description": f"Mock tools compiled by toolproof (bundle {bundle.sha256})."},
        "paths": paths,
        "components": {"schemas": {"Problem": PROBLEM}},
    }  # fmt: skip
