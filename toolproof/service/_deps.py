"""Dependencies of the routes: the service state, the caller's tenant, a concurrency slot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.types import Scope

from toolproof.service._problems import Unauthorized
from toolproof.service._state import ServiceState


def state_of(scope: Scope) -> ServiceState:
    return cast(ServiceState, scope["app"].state.service)


async def get_state(request: Request) -> ServiceState:
    return state_of(request.scope)


State = Annotated[ServiceState, Depends(get_state)]


async def get_tenant(request: Request, state: State) -> str:
    """The tenant of the ``Authorization: Bearer KEY`` header; 401 without a valid key."""
    return await tenant_of(state, request.headers.getlist("authorization"))


async def tenant_of(state: ServiceState, given: Sequence[str]) -> str:
    """The tenant of the ``Authorization`` headers ``given``; 401 unless there is exactly
    one and it carries a valid key."""
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
