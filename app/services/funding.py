"""Funding requests (R6): draft, edit, submit, decide.

A submitted request is a `funding_decision` work item for the team of the referral's
person (its team managers pick it up), closed by the decision. Submitting an emergency
referral's request is the R2 `funding_request_submitted` follow-up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidTransition
from app.domain.funding import (
    FUNDING,
    check_decider,
    decision_action,
    decision_due,
    with_editor,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import FundingRequest, Placement, Referral
from app.pagination import PageParams
from app.problems import ValidationFailed
from app.schemas.funding import (
    FundingDecision,
    FundingRequestCreate,
    FundingRequestRead,
    FundingRequestUpdate,
)
from app.services.common import load_for_change, load_visible, scoped_page
from app.uow import UnitOfWork, snapshot

SUBJECT = "funding_request"
DECISION_WORK = "funding_decision"
# Referrals that can carry a funding request (not a draft, nor a finished one).
FUNDABLE_REFERRAL_STATES = ("submitted", "panel", "matching", "matched", "placed")


@dataclass(frozen=True)
class FundingFilter:
    referral_id: uuid.UUID | None = None
    status: str | None = None


def to_read(request: FundingRequest) -> FundingRequestRead:
    data = request.model_dump()
    data["author"] = request.created_by
    return FundingRequestRead.model_validate(data)


async def _placement_for(
    uow: UnitOfWork, referral_id: uuid.UUID, placement_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The placement the request is for: the one given (it must be the referral's), or
    the referral's latest placement if it has one."""
    if placement_id is not None:
        placement = await uow.get(Placement, placement_id)
        if placement is None or placement.referral_id != referral_id:
            raise ValidationFailed(
                "placement_id is not a placement of this referral.",
                errors=[{"loc": ["body", "placement_id"], "msg": "not this referral's"}],
            )
        return placement.id
    stmt = (
        select(Placement.id)
        .where(col(Placement.referral_id) == referral_id)
        .order_by(col(Placement.id).desc())
    )
    return (await uow.session.exec(stmt)).first()


async def create(ctx: Context, body: FundingRequestCreate) -> FundingRequestRead:
    async with ctx.uow() as uow:
        referral = await load_visible(uow, Referral, body.referral_id)
        ctx.principal.require("funding.write")
        if referral.status not in FUNDABLE_REFERRAL_STATES:
            raise InvalidTransition(
                f"A {referral.status} referral cannot have a funding request.", rule="R6"
            )
        request = FundingRequest(
            id=uuid7(),
            referral_id=referral.id,
            placement_id=await _placement_for(uow, referral.id, body.placement_id),
            person_id=referral.person_id,
            team=referral.team,
            emergency=referral.urgency == "emergency",
            weekly_cost_pence=body.weekly_cost_pence,
            one_off_cost_pence=body.one_off_cost_pence,
            notes=body.notes,
            status="draft",
            created_by=ctx.principal.sub,
            edited_by=[ctx.principal.sub],
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(request)
        await uow.flush()
        read = to_read(request)
        uow.record(
            "created", SUBJECT, request.id, after=read.model_dump(mode="json"), team=request.team
        )
        return read


async def get(ctx: Context, request_id: uuid.UUID) -> FundingRequestRead:
    async with ctx.uow() as uow:
        return to_read(await load_visible(uow, FundingRequest, request_id))


async def list_requests(
    ctx: Context, flt: FundingFilter, page: PageParams
) -> tuple[list[FundingRequestRead], str | None]:
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow, FundingRequest, page, referral_id=flt.referral_id, status=flt.status
        )
        return [to_read(r) for r in rows], next_cursor


async def update(
    ctx: Context, request_id: uuid.UUID, body: FundingRequestUpdate, if_match: str | None
) -> FundingRequestRead:
    """Edit a draft or returned request (R6); never its status."""
    async with ctx.uow() as uow:
        request = await load_for_change(uow, FundingRequest, request_id, "funding.write", if_match)
        FUNDING.transition(request.status, "edit")
        changes = body.changes()
        before = snapshot(request)
        for name, value in changes.items():
            setattr(request, name, value)
        request.edited_by = with_editor(request.edited_by, ctx.principal.sub)
        uow.touch(request)
        await uow.flush()
        uow.record(
            "updated",
            SUBJECT,
            request.id,
            before=before,
            after=snapshot(request),
            data={"changed": sorted(changes)},
            team=request.team,
        )
        return to_read(request)


async def submit(ctx: Context, request_id: uuid.UUID, if_match: str | None) -> FundingRequestRead:
    """R6 `draft|returned -> submitted`: a decision work item for the person's team; for an
    emergency referral this is the R2 `funding_request_submitted` follow-up."""
    async with ctx.uow() as uow:
        request = await load_for_change(uow, FundingRequest, request_id, "funding.write", if_match)
        before = request.status
        request.status = FUNDING.transition(before, "submit")
        request.submitted_at = uow.now
        request.submitted_by = ctx.principal.sub
        request.edited_by = with_editor(request.edited_by, ctx.principal.sub)
        request.decided_at = None
        request.decided_by = None
        request.reason = None
        uow.touch(request)
        uow.open_work(
            kind=DECISION_WORK,
            rule="R6",
            title="Decide a funding request",
            subject_type=SUBJECT,
            subject_id=request.id,
            due_at=due_at_for_date(decision_due(local_date(uow.now), ctx.calendar)),
            assignee_team=request.team,
            scope_team=request.team,
        )
        if request.emergency:
            await uow.close_work(
                "referral",
                request.referral_id,
                kinds=["funding_request_submitted"],
                reason="funding_request_submitted",
            )
        await uow.flush()
        read = to_read(request)
        uow.record(
            "submitted",
            SUBJECT,
            request.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            team=request.team,
        )
        return read


async def decide(
    ctx: Context, request_id: uuid.UUID, body: FundingDecision, if_match: str | None
) -> FundingRequestRead:
    """R6: approved, rejected or returned, by a team manager or panel member who is not the
    request's author."""
    async with ctx.uow() as uow:
        request = await load_for_change(uow, FundingRequest, request_id, "funding.decide", if_match)
        action = decision_action(body.outcome, body.reason)
        before = request.status
        request.status = FUNDING.transition(before, action)
        check_decider(
            request.created_by, ctx.principal.sub, request.edited_by, request.submitted_by
        )
        request.decided_at = uow.now
        request.decided_by = ctx.principal.sub
        request.reason = body.reason
        uow.touch(request)
        await uow.close_work(SUBJECT, request.id, kinds=[DECISION_WORK], reason=body.outcome)
        await uow.flush()
        read = to_read(request)
        uow.record(
            body.outcome,
            SUBJECT,
            request.id,
            before={"status": before},
            after=read.model_dump(mode="json"),
            team=request.team,
        )
        return read


async def has_approved(uow: UnitOfWork, referral_id: uuid.UUID) -> bool:
    stmt = (
        select(FundingRequest.id)
        .where(col(FundingRequest.referral_id) == referral_id)
        .where(col(FundingRequest.status) == "approved")
    )
    return (await uow.session.exec(stmt)).first() is not None


async def link_to_placement(
    uow: UnitOfWork, referral_id: uuid.UUID, placement_id: uuid.UUID
) -> None:
    """Requests for a referral not yet tied to a placement are for the one just confirmed."""
    rows = await uow.session.exec(
        select(FundingRequest)
        .where(col(FundingRequest.referral_id) == referral_id)
        .where(col(FundingRequest.placement_id).is_(None))
        .with_for_update()
    )
    for request in rows.all():
        request.placement_id = placement_id
        uow.touch(request)


async def submitted_referrals(uow: UnitOfWork, referral_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Referrals (of those given) with a funding request sent for sign-off (R2)."""
    if not referral_ids:
        return set()
    stmt = (
        select(FundingRequest.referral_id)
        .where(col(FundingRequest.referral_id).in_(referral_ids))
        .where(col(FundingRequest.submitted_at).is_not(None))
    )
    return set((await uow.session.exec(stmt)).all())
