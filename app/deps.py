"""FastAPI dependencies: the caller, their request context, and common headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.auth import Principal, require_some_role
from app.context import Context
from app.pagination import PageParams, changed_page_params, page_params
from app.problems import RateLimited
from app.ratelimit import RateLimiter

# Where the rate-limit header fields wait for the response (RequestContextMiddleware
# adds them to whatever answers the request, a problem included).
RATE_LIMIT_HEADERS = "rate_limit_headers"


async def current_principal(request: Request) -> Principal:
    """The verified caller. The middleware may already have authenticated the request
    (for Idempotency-Key); the result is kept on the request either way. The caller's
    request is counted against PLACEMENTS_RATE_LIMIT_PER_MINUTE (429 over it)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        principal = await request.app.state.authenticator.authenticate(
            request.headers.get("authorization")
        )
        request.state.principal = principal
    _count(request, principal)
    return require_some_role(principal)


def _count(request: Request, principal: Principal) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    if not limiter.enabled or getattr(request.state, RATE_LIMIT_HEADERS, None) is not None:
        return
    decision = limiter.hit(f"{request.app.state.settings.jwt_issuer} {principal.sub}")
    setattr(request.state, RATE_LIMIT_HEADERS, decision.headers())
    if not decision.allowed:
        raise RateLimited(
            f"Over {decision.limit} requests a minute: retry in {decision.reset_seconds} s.",
            headers={"Retry-After": str(decision.reset_seconds)},
        )


async def get_context(request: Request) -> Context:
    """The request's context, the caller resolved in the same call: one dependency for
    FastAPI to solve on every route, not two (the principal's own dependency is kept for
    a route that needs only the caller)."""
    principal = await current_principal(request)
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
