"""uvicorn's httptools protocol, sending the writes of one event-loop step as one.

Why: uvicorn writes a response's status line and headers, then its body, with two
``transport.write`` calls: two ``send`` syscalls and two TCP segments per response. On
loopback each costs ~13 µs here (the kernel hands the segment to the reader inside the
call), a tenth of a rules-only ``POST /v1/verify``. Held until the end of the current
loop step, a small response leaves in one syscall; a streamed one (NDJSON results) still
leaves chunk by chunk, a loop step later, and a large one is not held at all.

``toolproof serve`` passes :class:`HttpToolsProtocol` to uvicorn as its ``http`` class.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _UvicornProtocol

#: Held bytes beyond this go out at once (the transport's own flow control then applies).
HOLD_BYTES = 64 * 1024


class CoalescingTransport:
    """A transport whose writes within one loop step reach the socket as one write."""

    __slots__ = ("_held", "_loop", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._size += len(data)
        if self._size > HOLD_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._held:
            return
        held, self._held, self._size = self._held, [], 0
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def writelines(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, abort (drops)…
        return getattr(self._transport, name)


class HttpToolsProtocol(_UvicornProtocol):
    """uvicorn's protocol (parsing, keep-alive, flow control) over a coalescing transport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # flow control keeps the real transport
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]

    def send_400_response(self, msg: str) -> None:
        """The parser's own refusals (a malformed request line, bad headers) as
        problem+json like every other error, instead of uvicorn's text/plain."""
        code = "request.malformed"
        body = orjson.dumps({"type": f"urn:toolproof:error:{code}", "status": 400,
                             "title": "Bad request", "detail": msg, "code": code})  # fmt: skip
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [n + b": " + v + b"\r\n" for n, v in self.server_state.default_headers]
        head.append(b"content-type: application/problem+json\r\n"
                    b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body))  # fmt: skip
        self.transport.write(b"".join(head) + body)
        self.transport.close()
