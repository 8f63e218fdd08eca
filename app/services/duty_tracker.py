"""The duty tracker (R2, seed 000): open emergency referrals and their follow-ups
(placement confirmed, funding request submitted for sign-off, courtesy call), until all
are done. It also stops an emergency referral closing before then (one of the referrals
service's close checks, wired in `app.wiring`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, exists, not_
from sqlmodel import col, select

from app.context import Context
from app.domain.placements import check_follow_ups_done, follow_ups
from app.models import FundingRequest, Placement, Referral
from app.pagination import PageParams
from app.schemas.placements import DutyTrackerItem, FollowUp
from app.services.common import fetch_page, team_filter
from app.uow import UnitOfWork

# Emergency referrals in these states can still be on the tracker.
TRACKED_STATES = ("submitted", "matching", "matched", "placed")


async def _follow_ups_for(
    uow: UnitOfWork, referrals: Sequence[Referral]
) -> dict[uuid.UUID, tuple[uuid.UUID | None, list[tuple[str, bool]]]]:
    ids = [r.id for r in referrals]
    placements: dict[uuid.UUID, Placement] = {}
    if ids:
        rows = await uow.session.exec(
            select(Placement).where(col(Placement.referral_id).in_(ids)).order_by(col(Placement.id))
        )
        for row in rows.all():
            placements[row.referral_id] = row  # the latest wins
    submitted: set[uuid.UUID] = set()
    if ids:
        funded = await uow.session.exec(
            select(FundingRequest.referral_id)
            .where(col(FundingRequest.referral_id).in_(ids))
            .where(col(FundingRequest.submitted_at).is_not(None))
        )
        submitted = set(funded.all())
    out = {}
    for referral in referrals:
        placement = placements.get(referral.id)
        out[referral.id] = (
            placement.id if placement else None,
            follow_ups(
                placement_confirmed=placement is not None,
                funding_request_submitted=referral.id in submitted,
                courtesy_call=placement is not None and placement.courtesy_call_on is not None,
            ),
        )
    return out


async def duty_tracker(ctx: Context, page: PageParams) -> tuple[list[DutyTrackerItem], str | None]:
    """Open emergency referrals in the caller's scope whose follow-ups are not all done."""
    async with ctx.uow() as uow:
        funded = exists().where(
            and_(
                col(FundingRequest.referral_id) == col(Referral.id),
                col(FundingRequest.submitted_at).is_not(None),
            )
        )
        called = exists().where(
            and_(
                col(Placement.referral_id) == col(Referral.id),
                col(Placement.courtesy_call_on).is_not(None),
            )
        )
        stmt = (
            select(Referral)
            .where(col(Referral.urgency) == "emergency")
            .where(col(Referral.status).in_(TRACKED_STATES))
            .where(not_(and_(funded, called)))
        )
        scope = team_filter(ctx.principal, Referral.team)
        if scope is not None:
            stmt = stmt.where(scope)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Referral.id), page)
        facts = await _follow_ups_for(uow, rows)
        items = [
            DutyTrackerItem(
                referral_id=r.id,
                person_id=r.person_id,
                team=r.team,
                referral_status=r.status,
                opened_at=r.submitted_at,
                placement_id=facts[r.id][0],
                follow_ups=[FollowUp(kind=k, done=d) for k, d in facts[r.id][1]],
            )
            for r in rows
        ]
        return items, next_cursor


async def check_emergency_follow_ups(uow: UnitOfWork, referral: Referral) -> None:
    """R1/R2: an emergency referral closes only once its follow-ups are done."""
    if referral.urgency != "emergency":
        return
    _, items = (await _follow_ups_for(uow, [referral]))[referral.id]
    check_follow_ups_done(items)
