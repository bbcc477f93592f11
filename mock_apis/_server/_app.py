"""The mock server: ``POST /tools/{name}`` for every compiled tool, and MCP at ``/mcp``.

Thin routes over a :class:`SessionPool`; library code never raises HTTP errors, so the
mapping to problem+json (RFC 9457) with finding codes lives in the server, in one function
(``_tool_calls.problem_body``).

    POST /tools/{name}       body: the arguments → 200 {"result": ...} | problem+json
    GET  /tools              the tools, their kinds, entities and paths
    GET  /manifest           the bundle manifest
    DELETE /sessions/{key}   forget a session's state (between samples)
    GET  /healthz            liveness and the sandbox backend in use
    /mcp                     the same tools over MCP (streamable HTTP)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from starlette.exceptions import HTTPException
from starlette.routing import Route

from mock_apis import MockBundle
from mock_apis._outcome import MockOutcome
from mock_apis._runner import MockRunner
from mock_apis._server._mcp import build_mcp
from mock_apis._server._openapi import openapi, tool_path
from mock_apis._server._sessions import SessionPool
from mock_apis._server._tool_calls import TOOLS_PATH, ToolCalls, json_response, tool_problem


class MockApp(FastAPI):
    """FastAPI whose OpenAPI document is generated from the specs, not from the routes."""

    def __init__(self, document: dict[str, Any], **options: Any) -> None:
        super().__init__(**options)
        self.document = document

    def openapi(self) -> dict[str, Any]:
        return self.document


def create_app(
    bundle: MockBundle,
    runner: MockRunner,
    *,
    max_sessions: int = 64,
    title: str | None = None,
    host: str | None = None,
) -> MockApp:
    """The mock server of one compiled toolset; the caller owns (and closes) ``runner``.

    ``host`` is where it will listen: on a loopback address the MCP endpoint turns on the
    SDK's DNS-rebinding protection (only loopback Host and Origin headers are accepted).
    """
    name = title or f"toolproof mock tools ({len(bundle.manifest.tools)})"
    pool = SessionPool(runner, bundle, max_sessions)
    mcp = build_mcp(bundle, pool, name, host)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with mcp.run():
            yield
        pool.close()

    tool_names = [t.name for t in bundle.manifest.tools]
    app = MockApp(openapi(bundle, name), title=name, lifespan=lifespan)
    listing = [
        {"name": t.name, "description": t.description, "kind": t.kind, "entity": t.entity,
         "path": tool_path(t.name), "source": t.source}
        for t in bundle.manifest.tools
    ]  # fmt: skip
    manifest = orjson.loads(bundle.manifest.model_dump_json())

    @app.get("/tools", include_in_schema=False)
    async def tools() -> Response:
        return json_response(listing)

    @app.get("/manifest", include_in_schema=False)
    async def get_manifest() -> Response:
        return json_response(manifest)

    @app.delete("/sessions/{key}", include_in_schema=False)
    async def drop_session(key: str) -> Response:
        if await pool.drop(key):
            return Response(status_code=204)
        missing = MockOutcome.failure(404, "exec.error", f"no session {key!r}")
        return tool_problem(missing, "")

    async def http_error(request: Request, exc: Exception) -> Response:
        """Starlette's 404 and 405 (paths other than the tools') as problem+json too."""
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "request.method"}.get(exc.status_code, "request.error")
        refused = MockOutcome.failure(exc.status_code, code, str(exc.detail))
        return tool_problem(refused, "", exc.headers)

    app.add_exception_handler(HTTPException, http_error)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return json_response({"ok": True, "backend": runner.backend, "bundle": bundle.sha256})

    # Any method: ToolCalls answers 405 on a tool's path and 404 elsewhere itself.
    app.router.routes.append(Route(TOOLS_PATH, ToolCalls(pool, tool_names)))
    # An ASGI app as a route (not a Mount) so that ``/mcp`` itself answers, no redirect.
    app.router.routes.append(
        Route("/mcp", StreamableHTTPASGIApp(mcp), methods=["GET", "POST", "DELETE"])
    )
    return app
