"""Toolsets: register specs (compiled to a mock bundle), then execute calls against it.

Calls reuse the mock server's session lanes (``mock_apis._server``): mock state per
``session``, kept apart per tenant, answers and problem+json as ``toolproof mock serve``.
"""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Response

from mock_apis import json_response, tool_problem as mock_problem
from toolproof.service._deps import Slot, State
from toolproof.service._problems import InvalidRequest, NotFound, problems
from toolproof.service._wire import (
    CallRequest,
    CallResponse,
    ToolErrorWire,
    ToolInfo,
    ToolsetCreated,
    ToolsetRequest,
)
from toolspec import import_tools

router = APIRouter(prefix="/toolsets", tags=["toolsets"])
CREATE_ERRORS = problems(400, 401, 413, 415, 422, 429, 503)
CALL_ERRORS = problems(400, 401, 404, 413, 415, 422, 429, 500, 502, 503, 504)


@router.post("", status_code=201, response_model=ToolsetCreated, responses=CREATE_ERRORS)
async def create_toolset(body: ToolsetRequest, tenant: Slot, state: State) -> ToolsetCreated:
    """Import and compile the tools; the id is the bundle's content hash."""
    if len(body.tools) > state.settings.max_tools:
        raise InvalidRequest(f"{len(body.tools)} tools; at most {state.settings.max_tools}")

    def build() -> ToolsetCreated:
        specs = import_tools(body.tools)
        bundle = state.registry.register(specs, seed=body.seed)
        state.store.add_toolset(tenant, bundle.sha256, len(bundle.manifest.tools))
        return ToolsetCreated(
            id=bundle.sha256,
            tools=[ToolInfo(name=t.name, kind=t.kind) for t in bundle.manifest.tools],
            errors=[ToolErrorWire(**e.model_dump()) for e in bundle.errors],
        )

    return await to_thread.run_sync(build)


@router.post("/{toolset_id}/calls", response_model=CallResponse, responses=CALL_ERRORS)
async def call_tool(toolset_id: str, body: CallRequest, tenant: Slot, state: State) -> Response:
    """Execute one call in the sandbox; errors carry the finding codes of the mock."""
    known = await to_thread.run_sync(state.store.has_toolset, tenant, toolset_id)
    if not known:
        raise NotFound(f"no toolset {toolset_id!r}")
    try:
        bundle = await to_thread.run_sync(state.registry.get, toolset_id)
    except KeyError:
        raise NotFound(f"toolset {toolset_id!r} is no longer cached; register it again") from None
    sessions = await state.sessions()
    outcome = await sessions.call(body.session, body.tool, body.arguments, tenant, bundle)
    if not outcome.ok:
        return mock_problem(outcome, body.tool)
    return json_response({"result": outcome.result, "session": body.session})
