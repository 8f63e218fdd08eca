"""Placements: `/v1/placements` (confirm), actions end and courtesy-call, documents, and
the duty tracker `/v1/duty-tracker` (R7, R6, R2)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.documents import owner_routes
from app.routers.http import created, page, with_etag
from app.schemas.enums import PlacementStatus
from app.schemas.placements import (
    ArrangingSupportBody,
    CourtesyCall,
    DutyTrackerItem,
    FollowUpBody,
    FollowUpRead,
    PlacementCreate,
    PlacementEnd,
    PlacementRead,
    PlacementUpdate,
)
from app.services import duty_tracker
from app.services import placements as service

router = APIRouter(tags=["placements"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412)


@router.get("/v1/placements", responses=problem_responses(403))
async def list_placements(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    person_id: uuid.UUID | None = None,
    status: PlacementStatus | None = None,
    external_id: Annotated[
        str | None, Query(max_length=260, description="system:value, e.g. mosaic:PL123")
    ] = None,
) -> Page[PlacementRead]:
    """Placements in your scope, by person, status (R7) or external id."""
    flt = service.PlacementsFilter(person_id=person_id, status=status, external_id=external_id)
    return page(request, response, await service.list_placements(ctx, flt, paging))


@router.post(
    "/v1/placements", status_code=201, responses=problem_responses(403, 404, 409, 413, 415)
)
async def confirm_placement(
    request: Request, response: Response, ctx: Ctx, body: PlacementCreate
) -> PlacementRead:
    """Confirm a placement (R7): fills the vacancy, sets the referral `placed` and emits
    `placement.confirmed` (the seam for reviews, R12-R14). One active placement per
    person (409 `person_already_placed`, R7). A planned placement needs an approved
    funding request (409 `funding_not_approved`, R6); an emergency one is confirmed first
    and its follow-ups go on the duty tracker (R2)."""
    placement = await service.confirm(ctx, body)
    created(response, request, f"/v1/placements/{placement.id}")
    return with_etag(response, placement)


@router.get("/v1/placements/{placement_id}", responses=problem_responses(404))
async def get_placement(placement_id: uuid.UUID, response: Response, ctx: Ctx) -> PlacementRead:
    """One placement, with its ETag."""
    return with_etag(response, await service.get(ctx, placement_id))


@router.patch(
    "/v1/placements/{placement_id}", responses=problem_responses(403, 404, 409, 412, 413, 415)
)
async def update_placement(
    placement_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: PlacementUpdate,
    if_match: IfMatch = None,
) -> PlacementRead:
    """R7: set an active placement's `planned_end_on` (a planned move-out date; the
    placement still ends with `end` on the day), or link `external_ids` (integration and
    admin only)."""
    return with_etag(response, await service.update(ctx, placement_id, body, if_match))


@router.post("/v1/placements/{placement_id}/arranging-support", responses=ACTION_ERRORS)
async def record_arranging_support(
    placement_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: ArrangingSupportBody,
    if_match: IfMatch = None,
) -> PlacementRead:
    """R22 (seed 003 step 12): the placement confirmation sent to the Arranging Support
    team, copying the provider; closes its work item. Supported living only; once."""
    return with_etag(response, await service.arranging_support(ctx, placement_id, body, if_match))


@router.post(
    "/v1/referrals/{referral_id}/follow-ups",
    status_code=201,
    responses=problem_responses(403, 404, 409, 413, 415),
    tags=["referrals"],
)
async def record_follow_up(referral_id: uuid.UUID, ctx: Ctx, body: FollowUpBody) -> FollowUpRead:
    """R2: record a follow-up of an emergency referral on the duty tracker
    (`tac_duty_alerted`, `csw_informed`, `sustainability_reviewed` with `sustain` or
    `plan_move`); `plan_move` answers `planned_referral_id`, a draft planned referral for
    the person linked to this one."""
    return await duty_tracker.record_follow_up(ctx, referral_id, body)


@router.post("/v1/placements/{placement_id}/end", responses=ACTION_ERRORS)
async def end_placement(
    placement_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: PlacementEnd,
    if_match: IfMatch = None,
) -> PlacementRead:
    """R7 `active -> ended` with an end date and reason; the vacancy opens again."""
    return with_etag(response, await service.end(ctx, placement_id, body, if_match))


@router.post("/v1/placements/{placement_id}/courtesy-call", responses=ACTION_ERRORS)
async def record_courtesy_call(
    placement_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: CourtesyCall | None = None,
) -> PlacementRead:
    """R2 follow-up: record the courtesy call to the carer after an emergency placement
    (once; a second is 409 `invalid_transition`)."""
    return with_etag(
        response, await service.courtesy_call(ctx, placement_id, body or CourtesyCall(), if_match)
    )


@router.get("/v1/duty-tracker", responses=problem_responses(403))
async def get_duty_tracker(
    request: Request, response: Response, ctx: Ctx, paging: ChangedPaging
) -> Page[DutyTrackerItem]:
    """R2 duty tracker: open emergency referrals in your scope with their follow-ups
    (placement confirmed, TAC duty worker alerted, social worker informed, funding request
    submitted or approved, courtesy call, sustainability reviewed and, for a residential
    home, admission documents); each drops off once all are done. `updated_since` keeps
    the items whose referral or follow-ups changed at or after an instant."""
    return page(request, response, await duty_tracker.duty_tracker(ctx, paging))


owner_routes(router, "/v1/placements", "placement", "placement")
