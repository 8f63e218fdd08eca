"""Panel decisions and actions (R3, R4; seed 003 steps 3-5).

The panel decides on or after its date, and approves only with every required document
attached and assured (R3). The decision moves the referral on (`matching`, once every
action is done) or back (`submitted`, for a new booking); each action is a work item for
the referral's team until done. While any action is outstanding a match cannot be proposed
(`refuse_matching`, wired as one of matching's propose checks in `app.wiring`).

Hand-offs (R18): the decision closes the booker's "attend" item; a deferral opens one for
the booker to rebook (closed by the next booking); the approval, or its last action done,
opens one for the placements team to begin matching (seed 003 step 5), closed by the
first match proposed (`close_begin_matching`, wired to matching's `ON_PROPOSED`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import local_date
from app.domain.errors import InvalidTransition
from app.domain.panels import (
    BOOKING,
    check_decision,
    check_no_outstanding_actions,
    missing_documents,
    panel_day,
    referral_action_for,
)
from app.ids import uuid7
from app.models import PanelAction, PanelBooking, Referral
from app.schemas.panels import DecisionBody, PanelBookingRead
from app.services.common import load_child, load_for_change, load_visible
from app.services.panel_bookings import (
    ACTION_SUBJECT,
    ATTEND,
    BEGIN_MATCHING,
    DOCUMENTS_DUE,
    REBOOK,
    REFERRAL_SUBJECT,
    SUBJECT,
    assured_documents,
    children,
    read_one,
)
from app.services.referrals import move
from app.uow import UnitOfWork

ACTION_DUE = "panel_action"


async def outstanding_actions(uow: UnitOfWork, referral_id: uuid.UUID) -> int:
    """How many panel actions of this referral are not yet done (R4)."""
    result = await uow.session.exec(
        select(func.count())
        .select_from(PanelAction)
        .where(col(PanelAction.referral_id) == referral_id)
        .where(col(PanelAction.done).is_(False))
    )
    return int(result.one())


async def ensure_no_outstanding_actions(uow: UnitOfWork, referral_id: uuid.UUID) -> None:
    """R4: raise 409 `panel_actions_outstanding` while any panel action is not done."""
    check_no_outstanding_actions(await outstanding_actions(uow, referral_id))


async def refuse_matching(uow: UnitOfWork, referral: Referral) -> None:
    """Matching's propose check (R4): no match while the referral owes panel actions."""
    await ensure_no_outstanding_actions(uow, referral.id)


async def close_begin_matching(uow: UnitOfWork, referral: Referral) -> None:
    """Matching's reaction to a match proposed (R4, R18): the placements team has begun
    matching, so the referral's "begin matching" item closes."""
    await uow.close_work(
        REFERRAL_SUBJECT, referral.id, kinds=[BEGIN_MATCHING], reason="match_proposed"
    )


def open_begin_matching(uow: UnitOfWork, booking: PanelBooking) -> None:
    """R4 (seed 003 step 5): the approved referral is the placements team's to match."""
    uow.open_work(
        kind=BEGIN_MATCHING,
        rule="R4",
        title=f"Begin matching: approved at the practice assurance panel on "
        f"{panel_day(booking.panel_date)}",
        subject_type=REFERRAL_SUBJECT,
        subject_id=booking.referral_id,
        due_at=uow.now,
        assignee_team=uow.policy.placements_team,
        scope_team=booking.team,
    )


def open_rebook(uow: UnitOfWork, booking: PanelBooking) -> None:
    """R4: a deferral needs a new booking, owed by the practitioner who booked."""
    uow.open_work(
        kind=REBOOK,
        rule="R4",
        title=f"Rebook the practice assurance panel: deferred on {panel_day(booking.panel_date)}",
        subject_type=REFERRAL_SUBJECT,
        subject_id=booking.referral_id,
        due_at=uow.now,
        assignee_user=booking.created_by,
        scope_team=booking.team,
    )


async def current_missing(uow: UnitOfWork, booking: PanelBooking) -> list[str]:
    """R3: the booking's required kinds not attached and assured, as it stands."""
    docs, _ = await children(uow, [booking.id])
    assured = await assured_documents(uow, docs[booking.id])
    return missing_documents(
        booking.required_documents, ((d.kind, d.document_id in assured) for d in docs[booking.id])
    )


async def decide(
    ctx: Context, booking_id: uuid.UUID, body: DecisionBody, if_match: str | None
) -> PanelBookingRead:
    """R4: record the panel's decision and move the referral: approved -> matching;
    approved_with_actions -> stays at panel until every action is done; deferred or
    declined -> back to submitted for a new booking. R3: on or after the panel date, and
    no approval while a required document is missing or unassured."""
    async with ctx.uow() as uow:
        booking = await load_for_change(
            uow, PanelBooking, booking_id, "panel_bookings.decide", if_match
        )
        booking.status = BOOKING.transition(booking.status, "decide")
        check_decision(
            booking.panel_kind,
            body.outcome,
            body.actions,
            panel_date=booking.panel_date,
            today=local_date(uow.now),
            missing=await current_missing(uow, booking),
        )
        referral = await load_visible(uow, Referral, booking.referral_id, for_update=True)
        before = {"status": "booked", "decision": None}
        booking.decision = body.outcome
        booking.decision_notes = body.notes
        booking.decided_at = uow.now
        booking.decided_by = ctx.principal.sub
        uow.touch(booking)
        actions = [
            PanelAction(
                id=uuid7(),
                booking_id=booking.id,
                referral_id=booking.referral_id,
                position=position,
                description=text,
                done=False,
                created_at=uow.now,
            )
            for position, text in enumerate(body.actions, start=1)
        ]
        for action in actions:
            uow.add(action)
            uow.open_work(
                kind=ACTION_DUE,
                rule="R4",
                title=f"Panel action: {action.description[:250]}",
                subject_type=ACTION_SUBJECT,
                subject_id=action.id,
                due_at=uow.now,
                assignee_team=booking.team,
                scope_team=booking.team,
            )
        await uow.close_work(
            SUBJECT, booking.id, kinds=[DOCUMENTS_DUE, ATTEND], reason="booking_decided"
        )
        referral_action = referral_action_for(body.outcome, len(actions))
        if referral_action is not None:
            await move(uow, referral, referral_action, booking_id=booking.id, outcome=body.outcome)
        if referral_action == "panel_approved":
            open_begin_matching(uow, booking)
        elif body.outcome == "deferred":
            open_rebook(uow, booking)
        await uow.flush()
        read = await read_one(uow, booking)
        uow.record(
            "decided",
            SUBJECT,
            booking.id,
            before=before,
            after={"status": read.status, "decision": read.decision},
            data={
                "outcome": body.outcome,
                "action_ids": [str(a.id) for a in read.actions],
                "referral_id": str(booking.referral_id),
                "referral_status": referral.status,
            },
            team=booking.team,
        )
        return read


async def complete_action(
    ctx: Context, booking_id: uuid.UUID, action_id: uuid.UUID, if_match: str | None
) -> PanelBookingRead:
    """R4: mark one panel action done; the last one moves the referral to matching."""
    async with ctx.uow() as uow:
        booking = await load_for_change(
            uow, PanelBooking, booking_id, "panel_actions.complete", if_match
        )
        action = await load_child(
            uow,
            PanelAction,
            action_id,
            parent=("booking_id", booking.id),
            missing=f"No panel action {action_id} on this booking.",
            for_update=True,
        )
        BOOKING.transition(booking.status, "complete_action")
        if action.done:
            raise InvalidTransition("That panel action is already done.", rule="R4")
        action.done = True
        action.done_at = uow.now
        action.done_by = ctx.principal.sub
        uow.add(action)
        uow.touch(booking)
        await uow.close_work(ACTION_SUBJECT, action.id, reason="action_done")
        await uow.flush()
        remaining = await outstanding_actions(uow, booking.referral_id)
        uow.record(
            "completed",
            ACTION_SUBJECT,
            action.id,
            before={"done": False},
            after={"done": True, "done_by": action.done_by},
            data={
                "booking_id": str(booking.id),
                "referral_id": str(booking.referral_id),
                "outstanding": remaining,
            },
            team=booking.team,
        )
        if remaining == 0 and booking.decision == "approved_with_actions":
            referral = await load_visible(uow, Referral, booking.referral_id, for_update=True)
            referral_action = referral_action_for(booking.decision, remaining)
            if referral_action is not None:
                await move(uow, referral, referral_action, booking_id=booking.id)
                open_begin_matching(uow, booking)
        await uow.flush()
        return await read_one(uow, booking)
