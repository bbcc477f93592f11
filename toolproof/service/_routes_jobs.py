"""Jobs: upload a dataset (``POST /v1/jobs``), follow it, stream its results, cancel it.

Another tenant's job answers 404 exactly as a job that does not exist.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

from anyio import to_thread
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from toolproof.service._body import UPLOAD_TYPES, save_upload
from toolproof.service._deps import Slot, State, Tenant
from toolproof.service._problems import NotFound, TooManyJobs, problems
from toolproof.service._state import ServiceState
from toolproof.service._wire import (
    FORMATS,
    LAYERS_PATTERN,
    JobCreated,
    JobList,
    JobStatus,
    layers_of,
)
from toolproof.store import JobView
from verifier import get_reader

router = APIRouter(prefix="/jobs", tags=["jobs"])
NOT_FOUND = problems(401, 404, 503)
UPLOAD_ERRORS = problems(400, 401, 413, 415, 422, 429, 503, 504)
#: JSONL as text: its first character past white space (and a BOM) opens a record.
JSONL = {"type": "string", "pattern": "^[ \\t\\r\\n\\ufeff]*[\\[{]"}
#: gzip (1f 8b …) of JSON or JSONL; octet-stream: any of the three, told by its first bytes.
BINARY = {"type": "string", "format": "binary"}
UPLOAD_BODY = {
    "required": True,
    "description": "the dataset file: JSON, JSONL, or either gzipped (a body that does not "
    "start as one is refused with 422 request.invalid)",
    "content": {
        "application/json": {"schema": {"type": ["array", "object"]}},
        **{media: {"schema": JSONL} for media in UPLOAD_TYPES[1:4]},
        **{media: {"schema": BINARY} for media in UPLOAD_TYPES[4:]},
    },
}
POLL_S = 0.1
PAGE = 1000


def wire(job: JobView) -> JobStatus:
    eta = None
    if job.total is not None and job.rate > 0 and job.status == "running":
        eta = round((job.total - job.done) / job.rate, 1)
    return JobStatus(
        id=job.id,
        status=job.status,
        done=job.done,
        total=job.total,
        rate=round(job.rate, 1),
        eta_s=eta,
        passed=job.passed,
        pass_rate=round(job.passed / job.done, 6) if job.done else None,
        format=job.format,
        layers=list(job.layers),
        error=job.error,
    )


async def find(state: ServiceState, tenant: str, job_id: str) -> JobView:
    job = await to_thread.run_sync(state.store.get_job, tenant, job_id)
    if job is None:
        raise NotFound(f"no job {job_id!r}")
    return job


@router.post(
    "",
    status_code=202,
    response_model=JobCreated,
    responses=UPLOAD_ERRORS,
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def create_job(
    request: Request,
    tenant: Slot,
    state: State,
    format: str = Query(
        "auto",
        max_length=32,
        description="dataset format, or auto",
        json_schema_extra={"enum": list(FORMATS)},
    ),
    layers: str = Query(
        "rules",
        max_length=64,
        description="comma-separated: rules,exec,judge",
        json_schema_extra={"pattern": LAYERS_PATTERN},
    ),
) -> JobCreated:
    """Upload a dataset file (JSON, JSONL or gzip) as the body; it is verified as a job."""
    chosen = layers_of(layers.split(","))
    if format != "auto":
        get_reader(format)  # an unknown format fails now, listing the known ones
    waiting = await to_thread.run_sync(state.store.unfinished_jobs, tenant)
    if waiting >= state.settings.tenant_max_queued:
        raise TooManyJobs(
            f"tenant {tenant!r} has {waiting} jobs queued or running; "
            f"at most {state.settings.tenant_max_queued}: wait for one to end or cancel one"
        )
    uploads = state.settings.home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    job_id = uuid.uuid4().hex
    path = uploads / f"{job_id}.data"
    await save_upload(request, path, state.settings.request_timeout_s * 20)
    try:
        job = await to_thread.run_sync(
            lambda: state.store.create_job(tenant, format, chosen, path, job_id)
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    state.workers.notify()
    return JobCreated(id=job.id, status=job.status)


@router.get("", response_model=JobList, responses=problems(401, 503))
async def list_jobs(tenant: Tenant, state: State) -> JobList:
    """The tenant's newest jobs (at most 100)."""
    jobs = await to_thread.run_sync(state.store.list_jobs, tenant)
    return JobList(jobs=[wire(j) for j in jobs])


@router.get("/{job_id}", response_model=JobStatus, responses=NOT_FOUND)
async def get_job(job_id: str, tenant: Tenant, state: State) -> JobStatus:
    """Progress: done, total, rate (samples/s), ETA, and the pass rate so far."""
    return wire(await find(state, tenant, job_id))


@router.delete("/{job_id}", response_model=JobStatus, responses=NOT_FOUND)
async def cancel_job(job_id: str, tenant: Tenant, state: State) -> JobStatus:
    """Cancel a queued or running job; results committed so far are kept."""
    job = await to_thread.run_sync(state.store.cancel_job, tenant, job_id)
    if job is None:
        raise NotFound(f"no job {job_id!r}")
    return wire(job)


@router.get(
    "/{job_id}/results", responses={200: {"content": {"application/x-ndjson": {}}}, **NOT_FOUND}
)
async def results(job_id: str, tenant: Tenant, state: State) -> Response:
    """SampleResult lines (NDJSON) in input order, each index once, while the job runs."""
    await find(state, tenant, job_id)
    return StreamingResponse(_stream(state, job_id), media_type="application/x-ndjson")


async def _stream(state: ServiceState, job_id: str) -> AsyncIterator[bytes]:
    start = 0
    while True:
        job = await to_thread.run_sync(state.store.get_job, None, job_id)
        rows = await to_thread.run_sync(state.store.results, job_id, start, PAGE)
        if rows:
            start = rows[-1][0] + 1
            yield b"".join(line for _, line in rows)
            continue
        if job is None or job.finished:
            return
        await asyncio.sleep(POLL_S)
