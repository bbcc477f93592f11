"""Request body limits, applied to every route before any handler reads a byte.

A declared ``Content-Length`` over the limit is refused at once (413); a chunked body is
counted as it arrives and refused when it crosses the limit, so a gigabyte body never
sits in memory. Uploads (``POST /v1/jobs``) have their own, larger, limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolproof.service._problems import PayloadTooLarge, problem

UPLOAD_PATH = "/v1/jobs"


def human(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.4g} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


class BodyLimit:
    def __init__(self, app: ASGIApp, body_bytes: int, upload_bytes: int) -> None:
        self.app, self.body_bytes, self.upload_bytes = app, body_bytes, upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"] == UPLOAD_PATH
        limit = self.upload_bytes if upload else self.body_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > limit:
                    detail = f"the request body is larger than {human(limit)}"
                    response = problem(
                        413, PayloadTooLarge.code, detail, headers={"Connection": "close"}
                    )
                    await response(scope, receive, send)
                    return
                break
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(f"the request body is larger than {human(limit)}")
            return message

        await self.app(scope, counted, send)
