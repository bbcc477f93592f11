"""``POST /v1/verify`` answered without FastAPI's request machinery, in the common case.

Why: verifying one small sample by the rules takes about 100 µs here, while FastAPI's
routing, dependency solving, ``Request``/``Response`` objects and exception middleware
cost as much again (issue 8's throughput target is set against a trivial endpoint).
This pure-ASGI lane sits inside the request-id/metrics and body-limit middleware, in
front of FastAPI (see ``ServiceAPI``), and answers only requests it can answer exactly
as the route would: a known API key (in the key cache), a JSON body that validates,
rules only, within the sample limit, a free slot for the tenant. Anything else, every
error included, goes on to the FastAPI route with the body replayed, so error answers,
OpenAPI and the contract live in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolproof.service._body import JSON_TYPES, check_media
from toolproof.service._deps import bearer_key
from toolproof.service._routes_verify import checked_layers, run
from toolproof.service._state import ServiceState
from toolproof.service._wire import VerifyRequest
from toolspec.errors import ToolproofError

PATH = "/v1/verify"


class VerifyLane:
    def __init__(self, app: ASGIApp, state: ServiceState, endpoint: Callable[..., Any]) -> None:
        self.app, self.state = app, state
        self.endpoint = endpoint  # the route's function: the metrics label it by this
        self.samples = state.metrics.samples.labels("sync")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        tenant = self._tenant(scope)
        if tenant is None:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        try:
            body = await _read_body(receive, messages)
        except ToolproofError as exc:  # over the body limit: the route reports it
            await self.app(scope, _replay(messages, receive, exc), send)
            return
        payload = None if body is None else self._verify(tenant, body)
        if payload is None:
            await self.app(scope, _replay(messages, receive), send)
            return
        scope["endpoint"] = self.endpoint
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(payload)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _tenant(self, scope: Scope) -> str | None:
        """The caller's tenant if the key is cached and the body is JSON; else None."""
        auth = content_type = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                if auth is not None:
                    return None  # two keys: the route refuses it
                auth = value.decode("latin-1")
            elif name == b"content-type":
                content_type = value.decode("latin-1")
        try:
            check_media(content_type or "", JSON_TYPES)
            return self.state.cached_tenant(bearer_key(auth))
        except ToolproofError:
            return None

    def _verify(self, tenant: str, body: bytes) -> bytes | None:
        """The response body, or None when the route must answer (it will fail the same way)."""
        state = self.state
        try:
            request = VerifyRequest.model_validate_json(body)
            layers = checked_layers(state, request)
        except (ValidationError, ToolproofError):
            return None
        if layers != ("rules",):
            return None
        try:
            with state.slot(tenant):  # over the tenant's limit, the route answers 429
                payload = run(state, request, layers)
        except ToolproofError:
            return None
        self.samples.inc(len(request.samples))
        return payload


async def _read_body(receive: Receive, messages: list[Message]) -> bytes | None:
    """The whole body, keeping each message for a replay; None if the client went away."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(messages: list[Message], receive: Receive, error: Exception | None = None) -> Receive:
    """A ``receive`` that gives the messages already read again, then raises ``error``
    (as the original ``receive`` did) or goes on with the original."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        if error is not None:
            raise error
        return await receive()

    return replay
