"""Contact restrictions (R16): per placement, and the `notify` action."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.contact_restrictions import (
    ContactRestrictionCreate,
    ContactRestrictionLift,
    ContactRestrictionNotify,
    ContactRestrictionRead,
)
from app.services import contact_restrictions as service

router = APIRouter(tags=["contact_restrictions"])


@router.get("/v1/placements/{placement_id}/contact-restrictions", responses=problem_responses(404))
async def list_contact_restrictions(
    placement_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
) -> Page[ContactRestrictionRead]:
    """A placement's contact restrictions (R16), oldest first."""
    return page(request, response, await service.list_for_placement(ctx, placement_id, paging))


@router.post(
    "/v1/placements/{placement_id}/contact-restrictions",
    status_code=201,
    responses=problem_responses(403, 404, 409, 413, 415),
)
async def create_contact_restriction(
    placement_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ContactRestrictionCreate,
) -> ContactRestrictionRead:
    """R16: restrict a child's contact. It must be agreed with the placing authority first
    (`agreed_with`, who agreed it: 422 without it), except in an emergency, when it is
    imposed first and the placing authority must be notified by `notify_by`: 24 hours (by
    policy) after `imposed_at`, which the caller gives (not in the future nor before the
    placement started, 422; default now). A work item for the placement's team until
    `notify`."""
    row = await service.create(ctx, placement_id, body)
    created(response, request, f"/v1/contact-restrictions/{row.id}")
    return with_etag(response, row)


@router.get("/v1/contact-restrictions/{restriction_id}", responses=problem_responses(404))
async def get_contact_restriction(
    restriction_id: uuid.UUID, response: Response, ctx: Ctx
) -> ContactRestrictionRead:
    """One contact restriction, with its ETag (R16)."""
    return with_etag(response, await service.get(ctx, restriction_id))


@router.post(
    "/v1/contact-restrictions/{restriction_id}/notify",
    responses=problem_responses(403, 404, 409, 412, 413, 415),
)
async def notify_contact_restriction(
    restriction_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: ContactRestrictionNotify | None = None,
) -> ContactRestrictionRead:
    """R16: record that the placing authority was notified of an emergency restriction;
    closes its work item. 409 `invalid_transition` when already notified or when the
    restriction was agreed first (nothing to notify)."""
    return with_etag(response, await service.notify(ctx, restriction_id, body, if_match))


@router.post(
    "/v1/contact-restrictions/{restriction_id}/lift",
    responses=problem_responses(403, 404, 409, 412, 413, 415),
)
async def lift_contact_restriction(
    restriction_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: ContactRestrictionLift,
    if_match: IfMatch = None,
) -> ContactRestrictionRead:
    """R16: lift a restriction on `lifted_on` (not in the future nor before it was imposed,
    422) with the reason; its `status` becomes `lifted`. 409 `invalid_transition` when
    already lifted."""
    return with_etag(response, await service.lift(ctx, restriction_id, body, if_match))
