"""Funding requests: `/v1/funding-requests` and the actions submit, decision (R6)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.enums import FundingStatus
from app.schemas.funding import (
    FundingDecision,
    FundingRequestCreate,
    FundingRequestRead,
    FundingRequestUpdate,
)
from app.services import funding as service

router = APIRouter(prefix="/v1/funding-requests", tags=["funding"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412)


@router.get("", responses=problem_responses(403))
async def list_funding_requests(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    referral_id: uuid.UUID | None = None,
    status: FundingStatus | None = None,
) -> Page[FundingRequestRead]:
    """Funding requests in your scope, by referral or status (R6)."""
    flt = service.FundingFilter(referral_id=referral_id, status=status)
    return page(request, response, await service.list_requests(ctx, flt, paging))


@router.post("", status_code=201, responses=problem_responses(403, 404, 409, 413, 415))
async def create_funding_request(
    request: Request, response: Response, ctx: Ctx, body: FundingRequestCreate
) -> FundingRequestRead:
    """A draft funding request for a referral (R6): weekly and one-off costs in integer
    pence. For an emergency placement it is written after the placement is confirmed."""
    funding = await service.create(ctx, body)
    created(response, request, f"/v1/funding-requests/{funding.id}")
    return with_etag(response, funding)


@router.get("/{request_id}", responses=problem_responses(404))
async def get_funding_request(
    request_id: uuid.UUID, response: Response, ctx: Ctx
) -> FundingRequestRead:
    """One funding request, with its ETag."""
    return with_etag(response, await service.get(ctx, request_id))


@router.patch("/{request_id}", responses=problem_responses(403, 404, 409, 412, 413, 415))
async def update_funding_request(
    request_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: FundingRequestUpdate,
    if_match: IfMatch = None,
) -> FundingRequestRead:
    """Change a draft or returned request's costings (R6); 409 `invalid_transition`
    once it is submitted or decided. Never its status."""
    return with_etag(response, await service.update(ctx, request_id, body, if_match))


@router.post("/{request_id}/submit", responses=ACTION_ERRORS)
async def submit_funding_request(
    request_id: uuid.UUID, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> FundingRequestRead:
    """R6 `draft|returned -> submitted`: a decision work item for the team's managers. For
    an emergency placement this is the R2 follow-up "funding request sent for sign-off"."""
    return with_etag(response, await service.submit(ctx, request_id, if_match))


@router.post("/{request_id}/decision", responses=ACTION_ERRORS)
async def decide_funding_request(
    request_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: FundingDecision,
    if_match: IfMatch = None,
) -> FundingRequestRead:
    """R6: approve, reject (with a reason) or return for changes (with a reason), by a team
    manager or panel member; 409 `decider_is_author` when you wrote the request."""
    return with_etag(response, await service.decide(ctx, request_id, body, if_match))
