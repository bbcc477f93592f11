"""``POST /v1/verify``: one or a few samples, verified synchronously.

Rules-only requests run on the event loop (they take well under a millisecond, and a
thread hop would cost more); exec and judge layers run in a worker thread under the
request timeout. The results are those ``toolproof verify`` writes for a file holding
the same records: same reader, same ``Pipeline``, same layers.

The route is an ASGI app on a Starlette ``Route`` in the router, inside the
app's middleware and exception handlers like every route, and the only implementation
of ``POST /v1/verify``. Not a FastAPI route: its per-request machinery (dependency
solving, two exit stacks, ``Request`` and ``Response`` objects) cost 40 µs of a 120 µs
request in-process, and left the served rate at 0.5-0.6 times the trivial FastAPI
endpoint's (``bench_service``, 1 worker), against issue 16's bound of 0.6; as an ASGI
app, 80 µs and 0.7. ``/openapi.json`` describes it from :func:`openapi_route`.
"""

from __future__ import annotations

import asyncio
import inspect

import orjson
from anyio import to_thread
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from toolproof.service._body import JSON_TYPES, check_media, parse_json, read_body
from toolproof.service._deps import state_of, tenant_of
from toolproof.service._problems import InvalidRequest, RequestTimeout, problems
from toolproof.service._state import ServiceState
from toolproof.service._wire import VerifyRequest, VerifyResponse, layers_of
from verifier import Dataset, Pipeline, result_dict

router = APIRouter(tags=["verify"])
PATH = "/verify"
ERRORS = problems(400, 401, 413, 415, 422, 429, 502, 503, 504)


def run(state: ServiceState, body: VerifyRequest, layers: tuple[str, ...]) -> bytes:
    extra, provenance = state.layers(layers)
    pipeline = Pipeline(layers, extra_layers=extra, provenance=provenance)
    data = Dataset.from_records(body.samples, body.format)
    results = [result_dict(r) for _, r in pipeline.run(data)]
    return orjson.dumps({"results": results})


def run_heavy(state: ServiceState, body: VerifyRequest, layers: tuple[str, ...]) -> bytes:
    with state.heavy:
        return run(state, body, layers)


class Verify:
    """Verify the records in the body; results in input order, as `toolproof verify`.

    Needs ``Authorization: Bearer KEY`` like every /v1 route (checked without FastAPI
    dependencies: they would cost more than the verification itself).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = state_of(scope)
        keys: list[str] = []
        content_type: str | None = None  # the first one, as Starlette's headers.get
        for name, value in scope["headers"]:
            if name == b"authorization":
                keys.append(value.decode("latin-1"))
            elif name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
        tenant = await tenant_of(state, keys)
        with state.slot(tenant):
            check_media(content_type or "", JSON_TYPES)
            body = parse_json(await read_body(receive), VerifyRequest)
            payload = await _verify(state, body)
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(payload)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def checked_layers(state: ServiceState, body: VerifyRequest) -> tuple[str, ...]:
    """The request's layers, once the checks every verify request gets have passed."""
    limit = state.settings.max_verify_samples
    if len(body.samples) > limit:
        raise InvalidRequest(
            f"{len(body.samples)} samples in one request; at most {limit} "
            "(upload larger sets as a job: POST /v1/jobs)"
        )
    return layers_of(body.layers)


async def _verify(state: ServiceState, body: VerifyRequest) -> bytes:
    layers = checked_layers(state, body)
    if layers == ("rules",):
        payload = run(state, body, layers)
    else:
        try:
            async with asyncio.timeout(state.settings.request_timeout_s):
                payload = await to_thread.run_sync(
                    run_heavy, state, body, layers, abandon_on_cancel=True
                )
        except TimeoutError:
            raise RequestTimeout(
                f"verification took longer than {state.settings.request_timeout_s:g} s; use a job"
            ) from None
    state.metrics.samples.labels("sync").inc(len(body.samples))
    return payload


router.routes.append(Route(PATH, Verify(), methods=["POST"]))


def openapi_route(prefix: str) -> APIRoute:
    """The route as ``/openapi.json`` describes it (FastAPI describes its own routes only):
    given to ``get_openapi``, never routed to."""
    return APIRoute(
        prefix + PATH,
        Verify,  # no parameters: FastAPI reads none from the request
        name="verify",
        description=inspect.cleandoc(Verify.__doc__ or ""),
        methods=["POST"],
        tags=["verify"],
        response_model=VerifyResponse,
        responses=ERRORS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": VerifyRequest.model_json_schema()}},
            }
        },
    )
