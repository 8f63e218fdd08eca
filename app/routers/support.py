"""Support requests: `/v1/support-requests`, actions submit and decision, documents (R8)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.documents import owner_routes
from app.routers.http import created, page, with_etag
from app.schemas.enums import SupportRequestStatus
from app.schemas.support import SupportDecision, SupportRequestCreate, SupportRequestRead
from app.services import support as service

router = APIRouter(prefix="/v1/support-requests", tags=["support"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412)


@router.get("", responses=problem_responses(403))
async def list_support_requests(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    provider_id: uuid.UUID | None = None,
    status: SupportRequestStatus | None = None,
) -> Page[SupportRequestRead]:
    """Placement support requests in your scope (the foster carer's team), by provider or
    status (R8, seed 001)."""
    flt = service.SupportRequestsFilter(provider_id=provider_id, status=status)
    return page(request, response, await service.list_requests(ctx, flt, paging))


@router.post("", status_code=201, responses=problem_responses(403, 404, 413, 415))
async def create_support_request(
    request: Request, response: Response, ctx: Ctx, body: SupportRequestCreate
) -> SupportRequestRead:
    """A supervising social worker asks for a placement support worker for a foster carer
    household (R8, seed 001): a draft, with the reason. The provider must be a foster carer
    (`service` foster_care, else 422); upload the risk assessment before submitting."""
    created_request = await service.create(ctx, body)
    created(response, request, f"/v1/support-requests/{created_request.id}")
    return with_etag(response, created_request)


@router.get("/{support_request_id}", responses=problem_responses(404))
async def get_support_request(
    support_request_id: uuid.UUID, response: Response, ctx: Ctx
) -> SupportRequestRead:
    """One support request, with its ETag (R8)."""
    return with_etag(response, await service.get(ctx, support_request_id))


@router.post("/{support_request_id}/submit", responses=ACTION_ERRORS)
async def submit_support_request(
    support_request_id: uuid.UUID, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> SupportRequestRead:
    """R8 `draft -> submitted`: refused with 409 `risk_assessment_required` until a
    `risk_assessment` document is uploaded to the request. The request then waits for the
    team's practice supervisors (a work item for the team)."""
    return with_etag(response, await service.submit(ctx, support_request_id, if_match))


@router.post("/{support_request_id}/decision", responses=ACTION_ERRORS)
async def decide_support_request(
    support_request_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: SupportDecision,
    if_match: IfMatch = None,
) -> SupportRequestRead:
    """R8, by a practice supervisor: `{"allocated": true, "allocated_on", "support_worker"}`
    opens casework episode 1 (R9) and schedules the first supervision for that worker (R11)
    `first_supervision_weeks` after allocation; `{"allocated": false, "nfa_reason"}` records
    no further action with a reason from the policy's `nfa_reasons` (else 422)."""
    return with_etag(response, await service.decide(ctx, support_request_id, body, if_match))


owner_routes(router, "", "support_request", "support_request")
