"""The same mock tools as an MCP server (the official ``mcp`` SDK, streamable HTTP).

Agents pointed at ``/mcp`` list the tools (input schema = the compiled parameter schema)
and call them; each MCP session gets its own mock session, unless the client sends
``X-Toolproof-Session`` to share one with the HTTP routes. MCP tool names must match
``[A-Za-z0-9._-]{1,128}``: a tool named otherwise is listed under its identifier.
Invalid arguments and mock errors answer ``isError`` results whose text carries the
finding codes, so the model can read and correct them.
"""

from __future__ import annotations

import re
from typing import Any

import mcp.types as types
import orjson
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from mock_apis import MockBundle
from mock_apis._server._openapi import SESSION_HEADER, arguments_schema
from mock_apis._server._sessions import SessionPool

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MCP_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def mcp_names(bundle: MockBundle) -> dict[str, str]:
    """MCP tool name → tool name."""
    return {
        (t.name if MCP_NAME.match(t.name) else t.entry.removeprefix("tool_")): t.name
        for t in bundle.manifest.tools
    }


def session_key(request: Any) -> str:
    headers = getattr(request, "headers", None) or {}
    chosen = headers.get(SESSION_HEADER.lower()) or headers.get(SESSION_HEADER)
    if chosen:
        return str(chosen)
    return "mcp:" + str(headers.get("mcp-session-id") or "default")


def build_mcp(
    bundle: MockBundle, pool: SessionPool, title: str, host: str | None = None
) -> StreamableHTTPSessionManager:
    names = mcp_names(bundle)
    by_name = {t.name: t for t in bundle.manifest.tools}
    tools = [
        types.Tool(
            name=mcp_name,
            description=by_name[name].description or name,
            input_schema=arguments_schema(by_name[name]),
        )
        for mcp_name, name in names.items()
    ]

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = names.get(params.name, params.name)
        outcome = await pool.call(session_key(ctx.request), tool, dict(params.arguments or {}))
        if outcome.ok:
            text = orjson.dumps(outcome.result).decode()
            structured = outcome.result if isinstance(outcome.result, dict) else None
            return types.CallToolResult(
                content=[types.TextContent(text=text)], structured_content=structured
            )
        text = orjson.dumps({"status": outcome.status, "findings": outcome.findings}).decode()
        return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)

    server: Server[Any] = Server(title, on_list_tools=list_tools, on_call_tool=call_tool)
    security = None
    if host in LOOPBACK:
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
    return StreamableHTTPSessionManager(app=server, json_response=True, security_settings=security)
