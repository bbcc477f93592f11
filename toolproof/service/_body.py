"""Reading request bodies: JSON for the API, a streamed file for job uploads."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive

from toolproof.service._problems import InvalidRequest, RequestTimeout, UnsupportedMedia

M = TypeVar("M", bound=BaseModel)
JSON_TYPES = ("application/json",)
UPLOAD_TYPES = (  # JSON, then JSONL (text), then binary (_routes_jobs documents them so)
    "application/json",
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
)
GZIP_MAGIC = b"\x1f\x8b"


def require_media(request: Request, allowed: tuple[str, ...]) -> None:
    check_media(request.headers.get("content-type", ""), allowed)


def check_media(content_type: str, allowed: tuple[str, ...]) -> None:
    """415 unless the ``Content-Type`` header names one of ``allowed`` (or ``+json``)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in allowed and not (media.endswith("+json") and "application/json" in allowed):
        shown = media or "none"
        raise UnsupportedMedia(
            f"Content-Type {shown!r} is not accepted here; use " + " or ".join(allowed)
        )


async def read_body(receive: Receive) -> bytes:
    """The whole request body from an ASGI ``receive`` (``POST /v1/verify`` has no
    ``Request``: see ``_routes_verify``); 422 when the client goes away first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise InvalidRequest("the client closed the connection before the body ended")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_json(raw: bytes, model: type[M]) -> M:
    """``raw`` validated against ``model`` (pydantic's Rust JSON parser, no detour)."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[:3]
        detail = "; ".join(f"{'/'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in first)
        raise InvalidRequest(f"invalid request body: {detail}") from None


async def save_upload(request: Request, path: Path, timeout_s: float) -> int:
    """Stream the body to ``path`` (via a temporary name); the byte count.

    A body that is not JSON, JSONL or gzip (by its first bytes past any white space, in
    whatever chunks they arrive), a client that goes away or a body that trickles past
    ``timeout_s`` leaves no file behind.
    """
    require_media(request, UPLOAD_TYPES)
    binary = "json" not in request.headers.get("content-type", "")  # then gzip may come
    part = path.with_suffix(".part")
    size = 0
    sniffed = False
    try:
        async with asyncio.timeout(timeout_s):
            with part.open("wb") as out:
                async for chunk in request.stream():
                    sniffed = sniffed or _sniff(chunk, binary)
                    size += len(chunk)
                    out.write(chunk)
        if not sniffed:
            raise InvalidRequest("the upload is empty: send the dataset file as the body")
        os.replace(part, path)
    except TimeoutError:
        part.unlink(missing_ok=True)
        raise RequestTimeout(f"the upload did not finish within {timeout_s:g} s") from None
    except ClientDisconnect:
        part.unlink(missing_ok=True)
        raise InvalidRequest("the upload was cut off before its end") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return size


def _sniff(chunk: bytes, binary: bool) -> bool:
    """True once the body is seen to start as a dataset (JSON, JSONL, or gzip if it is not
    sent as JSON); False while it is white space."""
    head = chunk.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    if (binary and chunk.startswith(GZIP_MAGIC)) or head in (b"[", b"{"):
        return True
    if not head:
        return False
    raise InvalidRequest("the upload is not a dataset: expected JSON, JSONL or gzip")
