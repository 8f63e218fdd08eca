"""FastAPI dependencies: the caller, their request context, and common headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.auth import Principal, require_some_role
from app.context import Context
from app.pagination import PageParams, changed_page_params, page_params


async def current_principal(request: Request) -> Principal:
    """The verified caller. The middleware may already have authenticated the request
    (for Idempotency-Key); the result is kept on the request either way."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return require_some_role(cached)
    principal = await request.app.state.authenticator.authenticate(
        request.headers.get("authorization")
    )
    request.state.principal = principal
    return require_some_role(principal)


async def get_context(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> Context:
    state = request.app.state
    return Context(
        principal=principal,
        request_id=getattr(request.state, "request_id", None),
        settings=state.settings,
        policy=state.policy,
        calendar=state.calendar,
        sessionmaker=state.sessionmaker,
        storage=state.storage,
        clock=state.clock,
    )


Ctx = Annotated[Context, Depends(get_context)]
Paging = Annotated[PageParams, Depends(page_params)]
# Lists of records that change: paging and `updated_since`.
ChangedPaging = Annotated[PageParams, Depends(changed_page_params)]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag last read; the change is refused with 412 if it is stale.",
    ),
]
