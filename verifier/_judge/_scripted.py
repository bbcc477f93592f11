"""A scripted OpenAI-compatible chat server on loopback, to test judge setups offline.

No model is reachable in tests, CI or many users' sandboxes, yet the LLM judge must be
exercised over real HTTP: this serves ``POST /v1/chat/completions`` on 127.0.0.1 and
answers with whatever a plain function returns for each request (status, content,
headers, delay), counting requests and the peak number in flight. It is a raw ASGI app
under uvicorn (no web framework), started in a thread and stopped by its handle.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

#: Request bodies the server keeps for inspection (the most recent ones).
KEEP_BODIES = 1000

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(slots=True)
class ScriptedReply:
    """One scripted answer: a message ``content`` wrapped as a chat completion, or ``raw``.

    ``raw`` (bytes or text) is sent as the body instead, for garbage and error bodies.
    """

    content: str | None = None
    status: int = 200
    raw: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    prompt_tokens: int = 10
    completion_tokens: int = 5

    def body(self, model: str) -> bytes:
        if self.raw is not None:
            return self.raw.encode() if isinstance(self.raw, str) else self.raw
        return json.dumps(
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": self.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": self.prompt_tokens,
                    "completion_tokens": self.completion_tokens,
                    "total_tokens": self.prompt_tokens + self.completion_tokens,
                },
            }
        ).encode()


Responder = Callable[[dict[str, Any]], "ScriptedReply | Awaitable[ScriptedReply]"]


def clean_answer(_request: dict[str, Any]) -> ScriptedReply:
    """The default script: every sample is clean."""
    return ScriptedReply(content='{"issues": []}')


class ScriptedChatServer:
    """Serves ``respond(request_json)`` as chat completions on 127.0.0.1 (a free port)."""

    def __init__(self, respond: Responder = clean_answer) -> None:
        self.respond = respond
        self.requests = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.bodies: deque[dict[str, Any]] = deque(maxlen=KEEP_BODIES)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL to give the judge (``http://127.0.0.1:PORT/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
            await self._send(send, 404, b'{"error": {"message": "not found"}}', {})
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        self.requests += 1
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            try:
                request = json.loads(b"".join(chunks))
            except ValueError:
                await self._send(send, 400, b'{"error": {"message": "invalid JSON"}}', {})
                return
            self.bodies.append(request)
            reply = self.respond(request)
            if inspect.isawaitable(reply):
                reply = await reply
            if reply.delay:
                await asyncio.sleep(reply.delay)
            await self._send(
                send, reply.status, reply.body(str(request.get("model"))), reply.headers
            )
        finally:
            self.in_flight -= 1

    @staticmethod
    async def _send(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
        raw = [(b"content-type", b"application/json")]
        raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def start(self) -> ScriptedChatServer:
        """Bind a free loopback port and serve in a background thread until ``stop``."""
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self,
            lifespan="off",
            ws="none",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            backlog=2048,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the scripted chat server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self) -> ScriptedChatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
