"""Funding requests (R6): draft, edit, submit, decide, supersede.

Costings follow the accepted match: a planned placement's request names it, and when
the match is declined or withdrawn its open or approved requests become `superseded`.
A submitted request is a `funding_decision` work item for those who decide it (the
referral's team, whose team manager signs off; for supported living, the funding panel),
closed by the decision. A returned request is a work item for its author until it is
resubmitted. Submitting an emergency referral's request is the R2
`funding_request_submitted` follow-up; a rejected one is a work item for the placements
team and for the child's team.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidTransition
from app.domain.funding import (
    FUNDING,
    SUPERSEDABLE,
    add_working_days,
    check_breakdown,
    check_decider,
    check_decision_authority,
    check_match_named,
    check_not_superseded,
    decision_action,
    decision_due,
    needs_funding_panel,
    with_editor,
)
from app.domain.work import due_at_for_date
from app.ids import uuid7
from app.models import FundingRequest, Match, PanelBooking, Placement, Referral
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
RETURNED_WORK = "funding_returned"
REJECTED_WORK = "funding_rejected"
# The hand-off of an accepted match to its costings (R18), closed by a request submitted.
COSTINGS_WORK = "costings"
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
        match = await uow.get(Match, body.match_id) if body.match_id is not None else None
        check_match_named(
            urgency=referral.urgency,
            match_id=body.match_id,
            accepted=match is not None and match.status == "accepted",
            of_referral=match is not None and match.referral_id == referral.id,
        )
        breakdown = body.cost_breakdown.model_dump() if body.cost_breakdown else None
        check_breakdown(body.weekly_cost_pence, breakdown)
        request = FundingRequest(
            id=uuid7(),
            referral_id=referral.id,
            placement_id=await _placement_for(uow, referral.id, body.placement_id),
            person_id=referral.person_id,
            team=referral.team,
            match_id=body.match_id,
            emergency=referral.urgency == "emergency",
            weekly_cost_pence=body.weekly_cost_pence,
            cost_breakdown=breakdown,
            one_off_cost_pence=body.one_off_cost_pence,
            moving_on=body.moving_on,
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
        check_not_superseded(request.status)
        FUNDING.transition(request.status, "edit")
        changes = body.changes()
        check_breakdown(
            changes.get("weekly_cost_pence") or request.weekly_cost_pence,
            changes["cost_breakdown"] if "cost_breakdown" in changes else request.cost_breakdown,
        )
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
        check_not_superseded(request.status)
        referral = await _referral(uow, request)
        before = request.status
        request.status = FUNDING.transition(before, "submit")
        request.submitted_at = uow.now
        request.submitted_by = ctx.principal.sub
        request.edited_by = with_editor(request.edited_by, ctx.principal.sub)
        request.decided_at = None
        request.decided_by = None
        request.reason = None
        uow.touch(request)
        panel = needs_funding_panel(referral.service)
        days = ctx.policy.funding_decision_working_days
        uow.open_work(
            kind=DECISION_WORK,
            rule="R6",
            title="Decide a funding request at the funding panel"
            if panel
            else "Sign off a funding request",
            subject_type=SUBJECT,
            subject_id=request.id,
            due_at=due_at_for_date(decision_due(local_date(uow.now), ctx.calendar, days)),
            assignee_team=ctx.policy.funding_panel_team if panel else request.team,
            scope_team=request.team,
        )
        await uow.close_work(SUBJECT, request.id, kinds=[RETURNED_WORK], reason="resubmitted")
        if request.match_id is not None:
            await uow.close_work(
                "match", request.match_id, kinds=[COSTINGS_WORK], reason="funding_submitted"
            )
        if request.emergency:
            await uow.close_work(
                "referral",
                request.referral_id,
                kinds=["funding_request_submitted", REJECTED_WORK],
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
        check_not_superseded(request.status)
        action = decision_action(body.outcome, body.reason)
        referral = await _referral(uow, request)
        today = local_date(uow.now)
        check_decision_authority(
            service=referral.service,
            roles=ctx.principal.roles,
            panel_date=await _funding_panel_date(uow, request.id),
            today=today,
        )
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
        if body.outcome == "returned":
            uow.open_work(
                kind=RETURNED_WORK,
                rule="R6",
                title="A funding request was returned: change it and submit it again",
                subject_type=SUBJECT,
                subject_id=request.id,
                due_at=due_at_for_date(
                    add_working_days(today, ctx.calendar, ctx.policy.funding_resubmit_working_days)
                ),
                assignee_user=request.created_by,
                scope_team=request.team,
            )
        if body.outcome == "rejected" and request.emergency:
            due = due_at_for_date(
                add_working_days(today, ctx.calendar, ctx.policy.funding_rejected_working_days)
            )
            for assignee, title in (
                (ctx.policy.placements_team, "Emergency placement funding rejected: next steps"),
                (request.team, "Emergency placement funding rejected: plan with placements"),
            ):
                uow.open_work(
                    kind=REJECTED_WORK,
                    rule="R2",
                    title=title,
                    subject_type="referral",
                    subject_id=request.referral_id,
                    due_at=due,
                    assignee_team=assignee,
                    scope_team=request.team,
                )
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


async def check_booking_funding_request(
    uow: UnitOfWork, panel_kind: str, referral_id: uuid.UUID, request_id: uuid.UUID | None
) -> None:
    """R6: a funding panel booking names a funding request of the booked referral (422
    otherwise); a practice assurance booking names none."""
    if panel_kind != "funding":
        if request_id is not None:
            raise ValidationFailed(
                "Only a funding panel booking names a funding request.",
                rule="R6",
                errors=[{"loc": ["body", "funding_request_id"], "msg": "funding panels only"}],
            )
        return
    request = await uow.get(FundingRequest, request_id) if request_id is not None else None
    if request is None or request.referral_id != referral_id:
        raise ValidationFailed(
            "A funding panel booking names a funding request of this referral.",
            rule="R6",
            errors=[{"loc": ["body", "funding_request_id"], "msg": "a request of the referral"}],
        )


async def _referral(uow: UnitOfWork, request: FundingRequest) -> Referral:
    referral = await uow.get(Referral, request.referral_id)
    if referral is None:  # pragma: no cover - a foreign key keeps it
        raise InvalidTransition("The request's referral is gone.", rule="R6")
    return referral


async def _funding_panel_date(uow: UnitOfWork, request_id: uuid.UUID) -> date | None:
    """The date of the latest funding panel booking naming the request (R6), if any."""
    stmt = (
        select(PanelBooking)
        .where(col(PanelBooking.funding_request_id) == request_id)
        .where(col(PanelBooking.panel_kind) == "funding")
        .order_by(col(PanelBooking.id).desc())
    )
    booking = (await uow.session.exec(stmt)).first()
    return booking.panel_date if booking else None


async def approved_match_ids(uow: UnitOfWork, referral_id: uuid.UUID) -> set[uuid.UUID]:
    """The matches of a referral with an approved funding request (R6)."""
    stmt = (
        select(FundingRequest.match_id)
        .where(col(FundingRequest.referral_id) == referral_id)
        .where(col(FundingRequest.status) == "approved")
        .where(col(FundingRequest.match_id).is_not(None))
    )
    return {m for m in (await uow.session.exec(stmt)).all() if m is not None}


async def supersede_for_match(uow: UnitOfWork, match: Match) -> None:
    """R6: a declined or withdrawn match's open or approved requests become `superseded`
    (their decision and resubmission work items close). Takes the requests' row locks, so
    a decision in flight finishes first and its approval is then superseded."""
    rows = await uow.session.exec(
        select(FundingRequest)
        .where(col(FundingRequest.match_id) == match.id)
        .where(col(FundingRequest.status).in_(SUPERSEDABLE))
        .order_by(col(FundingRequest.id))
        .with_for_update()
    )
    for request in rows.all():
        before = request.status
        request.status = FUNDING.transition(before, "supersede")
        uow.touch(request)
        uow.add(request)
        await uow.close_work(
            SUBJECT, request.id, kinds=[DECISION_WORK, RETURNED_WORK], reason="superseded"
        )
        uow.record(
            "superseded",
            SUBJECT,
            request.id,
            before={"status": before},
            after={"status": request.status},
            data={
                "from": before,
                "to": request.status,
                "match_id": str(match.id),
                "referral_id": str(request.referral_id),
            },
            team=request.team,
        )
    await uow.close_work("match", match.id, kinds=[COSTINGS_WORK], reason="match_released")


async def submitted_or_approved(uow: UnitOfWork, referral_id: uuid.UUID) -> bool:
    """R2: the referral has a funding request submitted for sign-off or approved."""
    stmt = (
        select(FundingRequest.id)
        .where(col(FundingRequest.referral_id) == referral_id)
        .where(col(FundingRequest.status).in_(["submitted", "approved"]))
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
    """Referrals (of those given) with a funding request submitted or approved (R2)."""
    if not referral_ids:
        return set()
    stmt = (
        select(FundingRequest.referral_id)
        .where(col(FundingRequest.referral_id).in_(referral_ids))
        .where(col(FundingRequest.status).in_(["submitted", "approved"]))
    )
    return set((await uow.session.exec(stmt)).all())
