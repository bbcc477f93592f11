"""``POST /v1/verify``: one or a few samples, verified synchronously.

Rules-only requests run on the event loop (they take well under a millisecond, and a
thread hop would cost more); exec and judge layers run in a worker thread under the
request timeout. The results are those ``toolproof verify`` writes for a file holding
the same records: same reader, same ``Pipeline``, same layers.
"""

from __future__ import annotations

import asyncio

import orjson
from anyio import to_thread
from fastapi import APIRouter, Request, Response

from toolproof.service._body import json_body
from toolproof.service._deps import authenticate, get_state
from toolproof.service._problems import InvalidRequest, RequestTimeout, problems
from toolproof.service._state import ServiceState
from toolproof.service._wire import VerifyRequest, VerifyResponse, layers_of
from verifier import Dataset, Pipeline, result_dict

router = APIRouter(tags=["verify"])
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


@router.post(
    "/verify",
    response_model=VerifyResponse,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": VerifyRequest.model_json_schema()}},
        }
    },
)
async def verify(request: Request) -> Response:
    """Verify the records in the body; results in input order, as `toolproof verify`.

    Needs ``Authorization: Bearer KEY`` like every /v1 route (checked without FastAPI
    dependencies: they would cost more than the verification itself).
    """
    state = await get_state(request)
    tenant = await authenticate(request, state)
    with state.slot(tenant):
        return await _verify(request, state)


def checked_layers(state: ServiceState, body: VerifyRequest) -> tuple[str, ...]:
    """The request's layers, once the checks every verify request gets have passed."""
    limit = state.settings.max_verify_samples
    if len(body.samples) > limit:
        raise InvalidRequest(
            f"{len(body.samples)} samples in one request; at most {limit} "
            "(upload larger sets as a job: POST /v1/jobs)"
        )
    return layers_of(body.layers)


async def _verify(request: Request, state: ServiceState) -> Response:
    body = await json_body(request, VerifyRequest)
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
    return Response(payload, media_type="application/json")
