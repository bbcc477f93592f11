"""``/tools/{name}``: the mock server's tool calls, and its problem+json answers.

Every mock call of a dialog, an evaluation or an agent goes through here: read the body,
pick the session from ``X-Toolproof-Session``, call, answer ``{"result": ...}`` or
RFC 9457 problem+json carrying the finding codes. :class:`ToolCalls` is an ASGI app on a
Starlette route of the app (inside its middleware, like every route) rather than a
FastAPI route: it needs none of FastAPI's per-request machinery (dependency solving,
``Request`` and ``Response`` objects), which cost a third of a ``POST /v1/verify`` of the
HTTP service (``toolproof.service._routes_verify``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mock_apis._outcome import MockOutcome
from mock_apis._server._openapi import SESSION_HEADER
from mock_apis._server._sessions import SessionPool

#: The route's path; ``path`` lets a name hold anything after ``/tools/``, as it may.
TOOLS_PATH = "/tools/{name:path}"
DEFAULT_SESSION = "default"
PROBLEM_TYPE = "application/problem+json"
SESSION_KEY = SESSION_HEADER.lower().encode()
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Payload too large",
    422: "Invalid arguments",
    429: "Too many sessions",
    500: "Mock error",
    502: "Sandbox crashed",
    503: "Sandbox unavailable",
    504: "Mock timed out",
}
MAX_BODY = 4 * 1024 * 1024
"""Largest arguments body accepted: 4 MiB (tool arguments are small; this is a guard)."""


def problem_body(outcome: MockOutcome, tool: str) -> bytes:
    first = outcome.findings[0] if outcome.findings else {}
    code = first.get("code", "exec.error")
    return orjson.dumps(
        {
            "type": f"urn:toolproof:finding:{code}",
            "title": TITLES.get(outcome.status, "Error"),
            "status": outcome.status,
            "detail": first.get("message", ""),
            "code": code,
            "tool": tool,
            "findings": outcome.findings,
        }
    )


def tool_problem(
    outcome: MockOutcome, tool: str, headers: Mapping[str, str] | None = None
) -> Response:
    """``problem_body`` as a response, for the framework's routes."""
    return Response(problem_body(outcome, tool), outcome.status, headers, PROBLEM_TYPE)


def json_response(body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), 200, headers, media_type="application/json")


class ToolCalls:
    """The ASGI app of ``/tools/{name}`` over a session pool: POST calls the tool;
    another method on a tool's path is a 405 (``Allow: POST``), on no tool's path a 404."""

    def __init__(self, pool: SessionPool, tools: Iterable[str]) -> None:
        self.pool = pool
        self.names = frozenset(tools)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path_params"]["name"]
        if scope["method"] != "POST":
            await self.refuse(name, scope, receive, send)
            return
        key = DEFAULT_SESSION
        for header, value in scope["headers"]:
            if header == SESSION_KEY:
                key = value.decode("latin-1") or DEFAULT_SESSION
        body, too_large = await read_body(receive)
        if too_large:
            outcome = MockOutcome.failure(413, "call.unparsable", "the body is over 4 MiB")
        else:
            outcome = await self.answer(key, name, body)
        if outcome.ok:
            payload = orjson.dumps({"result": outcome.result})
            headers = [(b"content-type", b"application/json"), (SESSION_KEY, key.encode("latin-1"))]
        else:
            payload = problem_body(outcome, name)
            headers = [(b"content-type", PROBLEM_TYPE.encode())]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": outcome.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def refuse(self, name: str, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if name in self.names:
            outcome = MockOutcome.failure(405, "request.method", f"{method} {name!r}: use POST")
            headers = {"Allow": "POST"}
        else:
            outcome = MockOutcome.failure(404, "call.unknown_tool", f"no tool named {name!r}")
            headers = {}
        await tool_problem(outcome, name, headers)(scope, receive, send)

    async def answer(self, key: str, name: str, body: bytes) -> MockOutcome:
        try:
            args: Any = orjson.loads(body) if body.strip() else {}
        except orjson.JSONDecodeError as exc:
            return MockOutcome.failure(400, "call.unparsable", f"the body is not JSON: {exc}")
        return await self.pool.call(key, name, args)


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it went over :data:`MAX_BODY` (then it is dropped)."""
    parts: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            parts.append(chunk)
        more = message.get("more_body", False)
    return b"".join(parts), size > MAX_BODY
