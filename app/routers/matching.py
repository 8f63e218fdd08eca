"""Matches: `/v1/referrals/{id}/matches`, `/v1/matches/{id}` and its actions (R5, R2)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.deps import ChangedPaging, Ctx, IfMatch
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page, with_etag
from app.schemas.enums import MatchStatus
from app.schemas.matching import MatchActionBody, MatchCreate, MatchRead
from app.services import matching as service

router = APIRouter(tags=["matching"])

ACTION_ERRORS = problem_responses(403, 404, 409, 412)


@router.get("/v1/referrals/{referral_id}/matches", responses=problem_responses(404))
async def list_referral_matches(
    referral_id: uuid.UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    paging: ChangedPaging,
    status: MatchStatus | None = None,
) -> Page[MatchRead]:
    """A referral's matches, oldest first, optionally by status (R5)."""
    return page(
        request, response, await service.list_for_referral(ctx, referral_id, status, paging)
    )


@router.post(
    "/v1/referrals/{referral_id}/matches",
    status_code=201,
    responses=problem_responses(403, 404, 409, 413, 415),
)
async def propose_match(
    referral_id: uuid.UUID, request: Request, response: Response, ctx: Ctx, body: MatchCreate
) -> MatchRead:
    """Propose a provider (and vacancy) for a referral (R5). The first match moves a
    referral that needs no panel to `matching` (R1); a held or filled vacancy is 409
    `vacancy_unavailable` (R5); an emergency referral takes only a rota foster carer or
    an open vacancy (409 `emergency_provider_not_eligible`, R2); outstanding panel
    actions are 409 `panel_actions_outstanding` (R4)."""
    match = await service.propose(ctx, referral_id, body)
    created(response, request, f"/v1/matches/{match.id}")
    return with_etag(response, match)


@router.get("/v1/matches/{match_id}", responses=problem_responses(404))
async def get_match(match_id: uuid.UUID, response: Response, ctx: Ctx) -> MatchRead:
    """One match, with its ETag."""
    return with_etag(response, await service.get(ctx, match_id))


async def _act(
    ctx: Ctx,
    response: Response,
    match_id: uuid.UUID,
    action: str,
    body: MatchActionBody | None,
    if_match: str | None,
) -> MatchRead:
    return with_etag(
        response, await service.act(ctx, match_id, action, body or MatchActionBody(), if_match)
    )


@router.post("/v1/matches/{match_id}/contact", responses=ACTION_ERRORS)
async def contact_match(
    match_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: MatchActionBody | None = None,
) -> MatchRead:
    """R5 `proposed -> contacted`: the provider has been approached."""
    return await _act(ctx, response, match_id, "contact", body, if_match)


@router.post("/v1/matches/{match_id}/assess", responses=ACTION_ERRORS)
async def assess_match(
    match_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: MatchActionBody | None = None,
) -> MatchRead:
    """R5 `contacted -> assessing`: the provider is assessing the referral."""
    return await _act(ctx, response, match_id, "assess", body, if_match)


@router.post("/v1/matches/{match_id}/accept", responses=ACTION_ERRORS)
async def accept_match(
    match_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: MatchActionBody | None = None,
) -> MatchRead:
    """R5 `assessing -> accepted`: holds the vacancy and moves the referral to `matched`
    (R1). One accepted match per referral (409 `match_already_accepted`) and per vacancy
    (409 `vacancy_unavailable`), even under concurrent requests."""
    return await _act(ctx, response, match_id, "accept", body, if_match)


@router.post("/v1/matches/{match_id}/decline", responses=ACTION_ERRORS)
async def decline_match(
    match_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: MatchActionBody | None = None,
) -> MatchRead:
    """R5: the provider declines, from any open state. Declining an accepted match frees
    its vacancy and returns the referral to `matching` (R1)."""
    return await _act(ctx, response, match_id, "decline", body, if_match)


@router.post("/v1/matches/{match_id}/withdraw", responses=ACTION_ERRORS)
async def withdraw_match(
    match_id: uuid.UUID,
    response: Response,
    ctx: Ctx,
    if_match: IfMatch = None,
    body: MatchActionBody | None = None,
) -> MatchRead:
    """R5: the placements team withdraws the match, from any open state. Withdrawing an
    accepted match frees its vacancy and returns the referral to `matching` (R1)."""
    return await _act(ctx, response, match_id, "withdraw", body, if_match)
