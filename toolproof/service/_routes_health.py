"""Liveness (``/healthz``), readiness (``/readyz``: store and sandbox probed), metrics."""

from __future__ import annotations

import asyncio

from anyio import to_thread
from fastapi import APIRouter, Response

from toolproof import __version__
from toolproof.service._deps import State
from toolproof.service._metrics import CONTENT_TYPE
from toolproof.service._problems import problem, problems
from toolproof.service._wire import Health, Ready
from toolspec.errors import ToolproofError

router = APIRouter(tags=["health"])
PROBE_TIMEOUT_S = 5.0


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process answers (it says nothing about the store or the sandbox)."""
    return Health(ok=True, version=__version__)


@router.get("/readyz", response_model=Ready, responses=problems(503))
async def readyz(state: State) -> Response:
    """Ready when the store answers a query and the sandbox backend can run code."""
    checks: dict[str, str] = {}
    failed: list[str] = []

    def sandbox() -> str:
        runner = state.runner()
        runner.check()  # a real call: an isolation report can say ok for a broken worker
        return f"{runner.backend}: ok"

    def store() -> str:
        state.store.ping()
        return "ok"

    for name, probe in (("store", store), ("sandbox", sandbox)):
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S):
                checks[name] = await to_thread.run_sync(probe, abandon_on_cancel=True)
        except ToolproofError as exc:
            checks[name] = f"{exc.code}: {exc.message}"
            failed.append(name)
        except TimeoutError:
            checks[name] = f"no answer within {PROBE_TIMEOUT_S:g} s"
            failed.append(name)
    if failed:
        bad = ", ".join(f"{k} ({checks[k]})" for k in failed)
        return problem(503, "service.not_ready", f"not ready: {bad}", checks=checks)
    return Response(Ready(ok=True, checks=checks).model_dump_json(), media_type="application/json")


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
async def metrics(state: State) -> Response:
    """Prometheus text format."""
    body = await to_thread.run_sync(state.metrics.render)
    return Response(body, media_type=CONTENT_TYPE)
