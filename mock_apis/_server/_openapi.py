"""The OpenAPI document of a mock server, generated from the compiled specs.

One operation per tool at ``POST /tools/{name}``: the request body is the tool's
parameter schema, a 200 answers ``{"result": <response schema>}`` (declared or inferred),
and errors are RFC 9457 problem+json documents carrying finding codes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from synth import MockBundle
from synth._compiler import ToolEntry

SESSION_HEADER = "X-Toolproof-Session"
PROBLEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
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
    "required": ["title", "status", "findings"],
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
            "required": True,
            "content": {"application/json": {"schema": tool.parameters}},
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
            "404": problem_response("unknown tool, or a record this session deleted"),
            "422": problem_response("invalid arguments (call.* finding codes)"),
            "504": problem_response("the mock ran past its time limit (exec.timeout)"),
        },
    }


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
