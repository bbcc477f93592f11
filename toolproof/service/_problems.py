"""RFC 9457 problem+json: the one place where errors become HTTP answers.

Library code raises ``ToolproofError`` subclasses (``toolspec.errors``); the service adds
its own below. :func:`install` registers one handler for all of them, plus FastAPI's
validation errors, Starlette's HTTP errors and anything unexpected (a 500 that carries
the request id, never a traceback).

    ToolproofError
    └── ServiceError (status)
        ├── Unauthorized        401 auth.invalid
        ├── NotFound            404 not_found (also: another tenant's resource)
        ├── PayloadTooLarge     413 request.too_large
        ├── UnsupportedMedia    415 request.media_type
        ├── InvalidRequest      422 request.invalid
        ├── BodyTimeout         408 request.body_timeout
        ├── TenantBusy          429 tenant.busy
        ├── TooManyJobs         429 tenant.too_many_jobs
        └── RequestTimeout      504 request.timeout
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from toolproof.service._logging import request_id
from toolproof.service._wire import Problem
from toolproof.store import StoreUnavailable
from toolspec.errors import (
    CompileError,
    ConfigError,
    DatasetError,
    JudgeError,
    ParseError,
    SandboxError,
    SpecError,
    ToolproofError,
)

log = logging.getLogger("toolproof.service")
MEDIA_TYPE = "application/problem+json"


class ServiceError(ToolproofError):
    """An error of the HTTP layer itself; ``status`` is its HTTP status."""

    status = 400
    code = "request.error"
    headers: ClassVar[Mapping[str, str] | None] = None


class Unauthorized(ServiceError):
    status, code = 401, "auth.invalid"
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class NotFound(ServiceError):
    status, code = 404, "not_found"


class PayloadTooLarge(ServiceError):
    status, code = 413, "request.too_large"


class BodyTimeout(ServiceError):
    status, code = 408, "request.body_timeout"


class UnsupportedMedia(ServiceError):
    status, code = 415, "request.media_type"


class InvalidRequest(ServiceError):
    status, code = 422, "request.invalid"


class TenantBusy(ServiceError):
    status, code = 429, "tenant.busy"
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "1"}


class TooManyJobs(ServiceError):
    status, code = 429, "tenant.too_many_jobs"
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "30"}


class RequestTimeout(ServiceError):
    status, code = 504, "request.timeout"


#: Library errors by the status they answer with (first match wins: subclasses first).
STATUS: tuple[tuple[type[ToolproofError], int], ...] = (
    (StoreUnavailable, 503),
    (SandboxError, 503),
    (JudgeError, 502),
    (DatasetError, 422),
    (SpecError, 422),
    (CompileError, 422),
    (ParseError, 422),
    (ConfigError, 400),
)
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Timed out",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses`` for these statuses: problem+json (``_openapi`` documents
    them under that media type; FastAPI would say ``application/json``)."""
    return {s: {"model": Problem, "description": TITLES[s]} for s in statuses}


def status_of(exc: ToolproofError) -> int:
    if isinstance(exc, ServiceError):
        return exc.status
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 500)


def problem(
    status: int,
    code: str,
    detail: str,
    request: Request | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:toolproof:error:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id.get(),
    }
    if request is not None:
        body["instance"] = request.url.path
    body.update(extra)
    return Response(orjson.dumps(body), status, dict(headers or {}), media_type=MEDIA_TYPE)


async def _toolproof(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ToolproofError)
    status = status_of(exc)
    if status >= 500:
        log.warning("request failed", extra={"code": exc.code, "error": exc.message})
    headers = exc.headers if isinstance(exc, ServiceError) else None
    return problem(status, exc.code, exc.message, request, headers)


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()][
        :20
    ]
    detail = "; ".join(f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
    return problem(422, InvalidRequest.code, detail, request, errors=errors)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "request.method"}.get(exc.status_code, "request.error")
    headers = exc.headers
    allow: AllowedMethods | None = getattr(request.app.state, "allow", None)
    if exc.status_code == 405 and allow is not None:
        headers = {**(headers or {}), "Allow": allow(request.url.path, (headers or {}))}
    return problem(exc.status_code, code, str(exc.detail), request, headers)


class AllowedMethods:
    """The ``Allow`` header of a 405: the methods of every route on the request's path.

    Starlette names the methods of the first route that matches the path only, and
    ``GET /v1/jobs/{id}`` and ``DELETE /v1/jobs/{id}`` are two routes.
    """

    def __init__(self, routes: Iterable[tuple[str, Iterable[str]]]) -> None:
        by_path: dict[str, set[str]] = {}
        for path, methods in routes:
            by_path.setdefault(path, set()).update(methods)
        self.table = [(compile_path(path)[0], methods) for path, methods in by_path.items()]

    def __call__(self, path: str, headers: Mapping[str, str]) -> str:
        methods = {m for regex, ms in self.table if regex.match(path) for m in ms}
        if not methods:  # a route of FastAPI's own (/docs): Starlette's answer stands
            return headers.get("Allow", "")
        return ", ".join(sorted(methods))  # FastAPI's routes answer no HEAD for a GET


async def _unexpected(request: Request, exc: Exception) -> Response:
    """FastAPI's error middleware answers with this outside toolproof's request
    middleware, so the request id header is set here (the id is still in context)."""
    log.exception("unexpected error")
    rid = request_id.get()
    headers = {"X-Request-ID": rid} if rid is not None else None
    detail = "an internal error occurred; quote the request id"
    return problem(500, "internal", detail, request, headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ToolproofError, _toolproof)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
