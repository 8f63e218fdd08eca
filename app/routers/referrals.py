"""Referrals: `/v1/referrals` and the actions submit, withdraw, close (R1, R2)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.documents import owner_routes
from app.routers.http import as_json, created, page_json, with_etag
from app.schemas.enums import ReferralStatus, Service, Urgency
from app.schemas.referrals import (
    CloseBody,
    ReferralCreate,
    ReferralRead,
    ReferralUpdate,
    ReferralUpsert,
    WithdrawBody,
)
from app.services import referrals as service

router = APIRouter(prefix="/v1/referrals", tags=["referrals"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412)


REFERRALS_PAGE = Page[ReferralRead]


@router.get("", response_model=REFERRALS_PAGE, responses=problem_responses(403))
async def list_referrals(
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    person_id: uuid.UUID | None = None,
    status: ReferralStatus | None = None,
    urgency: Urgency | None = None,
    service_: Annotated[Service | None, Query(alias="service")] = None,
    external_id: Annotated[
        str | None, Query(max_length=260, description="system:value, e.g. mosaic:R123")
    ] = None,
) -> Response:
    """Referrals in your scope, by person, status, urgency, service or external id."""
    flt = service.ReferralsFilter(
        person_id=person_id,
        status=status,
        urgency=urgency,
        service=service_,
        external_id=external_id,
    )
    result = await service.list_referrals(ctx, flt, paging)
    return page_json(REFERRALS_PAGE, request, response, result)


@router.post("", status_code=201, responses=problem_responses(403, 404, 413, 415))
async def create_referral(
    request: Request, response: Response, ctx: Ctx, body: ReferralCreate
) -> ReferralRead:
    """A draft referral for a person in your team. Emergency supported-living referrals are
    refused (422, R2): supported living is not for emergencies. `external_ids` (integration
    and admin only) links it to other systems."""
    referral = await service.create(ctx, body)
    created(response, request, f"/v1/referrals/{referral.id}")
    return with_etag(response, referral)


@router.get("/{referral_id}", response_model=ReferralRead, responses=problem_responses(404))
async def get_referral(referral_id: uuid.UUID, response: Response, ctx: Ctx) -> Response:
    """One referral, with its ETag."""
    return as_json(ReferralRead, with_etag(response, await service.get(ctx, referral_id)), response)


@router.patch("/{referral_id}", responses=problem_responses(403, 404, 409, 412, 413, 415))
async def update_referral(
    referral_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    body: ReferralUpdate,
    if_match: IfMatch = None,
) -> ReferralRead:
    """Change an open referral's needs or requested start, or link external ids
    (integration and admin only). Never its status."""
    return with_etag(response, await service.update(ctx, referral_id, body, if_match))


@router.post("/{referral_id}/submit", responses=ACTION_ERRORS)
async def submit_referral(
    referral_id: uuid.UUID, response: Response, ctx: Ctx, if_match: IfMatch = None
) -> ReferralRead:
    """R1 `draft -> submitted`. R2: an emergency referral goes straight to `matching`,
    skips panel, and raises a same-day work item for the placements team."""
    return with_etag(response, await service.submit(ctx, referral_id, if_match))


@router.post("/{referral_id}/withdraw", responses=ACTION_ERRORS)
async def withdraw_referral(
    referral_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: WithdrawBody | None = None,
) -> ReferralRead:
    """Withdraw an open referral (R1), optionally with a reason. Its open matches are
    withdrawn and any vacancy they held is freed; its panel work items close."""
    return with_etag(
        response, await service.withdraw(ctx, referral_id, body or WithdrawBody(), if_match)
    )


@router.post("/{referral_id}/close", responses=ACTION_ERRORS)
async def close_referral(
    referral_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: CloseBody | None = None,
) -> ReferralRead:
    """`placed -> closed` once the placement's follow-ups are done (R1, R2)."""
    return with_etag(response, await service.close(ctx, referral_id, body or CloseBody(), if_match))


@router.put(
    "/external/{system}/{external_id}",
    responses={
        **problem_responses(403, 404, 409, 413, 415),
        201: {"model": ReferralRead, "description": "Created"},
    },
    summary="Upsert a draft referral by external id",
)
async def upsert_referral_by_external_id(
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ReferralUpsert,
    system: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,49}$", examples=["mosaic"])],
    external_id: Annotated[str, Path(min_length=1, max_length=200)],
) -> ReferralRead:
    """Idempotent upsert for integrators (integration, admin): 201 + Location when it
    creates the draft referral, 200 when it updates (or finds nothing to change). Once the
    referral is no longer a draft only `needs` and `requested_start` may differ (409
    `referral_not_draft`, R1)."""
    referral, was_created = await service.upsert_external(ctx, system, external_id, body)
    if was_created:
        created(response, request, f"/v1/referrals/{referral.id}")
    return with_etag(response, referral)


owner_routes(router, "", "referral", "referral")
