"""The app factory of ``toolproof serve``.

    create_app(settings=None, *, store=None, workers=None) -> FastAPI

Routes, one router per resource, all under ``/v1`` behind an API key, except
``/healthz``, ``/readyz`` and ``/metrics``. Errors are problem+json from one handler
(``_problems``). Two pure-ASGI middleware, added with ``add_middleware``, see every
request: the request id, metrics and access log (``_metrics``) outermost, then the body
limits (``_limits``). The lifespan migrates the store, starts the job workers (which
resume any job a crashed server left unfinished) and closes everything on shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

from toolproof import __version__
from toolproof.jobs import sweep_uploads
from toolproof.service import _problems
from toolproof.service._limits import BodyLimit
from toolproof.service._logging import configure as configure_logging
from toolproof.service._metrics import RequestMiddleware
from toolproof.service._openapi import document
from toolproof.service._routes_health import router as health_router
from toolproof.service._routes_jobs import router as jobs_router
from toolproof.service._routes_toolsets import router as toolsets_router
from toolproof.service._routes_verify import openapi_route, router as verify_router
from toolproof.service._state import ServiceState
from toolproof.settings import Settings, get_settings
from toolproof.store import Store, StoreUnavailable

log = logging.getLogger("toolproof.service")


class ServiceAPI(FastAPI):
    """FastAPI whose OpenAPI document is ``_openapi.document`` (problem+json errors,
    bearer keys), built once, with the Starlette routes in ``described`` too."""

    described: tuple[APIRoute, ...] = ()

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = document(self, [*self.described, *self.routes])
        return self.openapi_schema


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, workers: int | None = None
) -> FastAPI:
    """The service; ``workers`` job threads (default: ``settings.job_workers``)."""
    settings = settings or get_settings()
    store = store or Store(settings.resolved_database_url)
    state = ServiceState(settings, store, workers=workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.home.mkdir(parents=True, exist_ok=True)
        try:
            store.migrate()
        except StoreUnavailable as exc:  # serve anyway: requests answer 503 until it is back
            log.error("the store is unavailable at start-up", extra={"error": exc.message})
        else:
            swept = sweep_uploads(store, settings.home / "uploads")
            if swept:
                log.info("removed files a crash left", extra={"uploads": swept})
        state.workers.start()
        log.info(
            "service started",
            extra={
                "store": store.engine.url.render_as_string(),
                "sandbox": settings.sandbox,
                "workers": state.workers.size,
            },
        )
        try:
            yield
        finally:
            state.close()

    app = ServiceAPI(
        title="toolproof",
        version=__version__,
        summary="Verify function-calling datasets over HTTP: rules, executed mocks, a judge.",
        lifespan=lifespan,
        telemetry={"tracing": settings.otel, "metrics": settings.otel, "logs": settings.otel},
    )
    app.state.service = state
    _problems.install(app)
    routes: dict[Any, str] = {}
    methods: list[tuple[str, set[str]]] = []
    for prefix, router in (
        ("/v1", verify_router),
        ("/v1", jobs_router),
        ("/v1", toolsets_router),
        ("", health_router),
    ):
        app.include_router(router, prefix=prefix)
        for r in router.routes:
            if isinstance(r, Route):  # FastAPI's and Starlette's (POST /v1/verify)
                routes[r.endpoint] = prefix + r.path
                methods.append((prefix + r.path, r.methods or set()))
    app.state.allow = _problems.AllowedMethods(methods)
    app.described = (openapi_route("/v1"),)

    # Last added runs first: the request id is set before the body limit can answer.
    app.add_middleware(
        BodyLimit, body_bytes=settings.max_body_bytes, upload_bytes=settings.max_upload_bytes,
        idle_s=settings.body_idle_timeout_s,
    )  # fmt: skip
    app.add_middleware(RequestMiddleware, metrics=state.metrics, routes=routes)
    return app


def app_from_env() -> FastAPI:
    """The factory each uvicorn worker process calls (``toolproof serve --workers N``)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
