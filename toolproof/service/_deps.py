"""Dependencies of the routes: the service state, the caller's tenant, a concurrency slot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, cast

from fastapi import Depends, Request

from toolproof.service._problems import Unauthorized
from toolproof.service._state import ServiceState


async def get_state(request: Request) -> ServiceState:
    return cast(ServiceState, request.app.state.service)


State = Annotated[ServiceState, Depends(get_state)]


async def get_tenant(request: Request, state: State) -> str:
    """The tenant of the ``Authorization: Bearer KEY`` header; 401 without a valid key."""
    return await authenticate(request, state)


async def authenticate(request: Request, state: ServiceState) -> str:
    """``get_tenant`` without FastAPI's dependency machinery, for the hot path.

    Resolving a chain of dependencies costs FastAPI about a millisecond per request on
    this machine, several times the rule layer's own work on a small sample.
    """
    given = request.headers.getlist("authorization")
    if len(given) > 1:  # which one would count is a guess: refuse, never pick silently
        raise Unauthorized("more than one Authorization header; send exactly one")
    tenant = await state.tenant_for(bearer_key(given[0] if given else None))
    if tenant is None:
        raise Unauthorized("invalid API key")
    return tenant


def bearer_key(header: str | None) -> str:
    """The key of an ``Authorization: Bearer KEY`` header; 401 when there is none."""
    if header is None:
        raise Unauthorized("an API key is required: Authorization: Bearer KEY")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or len(key) > 256:
        raise Unauthorized("malformed Authorization header; expected: Bearer KEY")
    return key


Tenant = Annotated[str, Depends(get_tenant)]


async def tenant_slot(tenant: Tenant, state: State) -> AsyncIterator[str]:
    """Counts the tenant's requests in flight; over the limit the answer is 429."""
    with state.slot(tenant):
        yield tenant


Slot = Annotated[str, Depends(tenant_slot)]
