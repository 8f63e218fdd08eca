"""Panels and panel bookings (R3 document deadline, R4 decisions; seed 003 steps 2-4).

A practice assurance booking moves its referral `submitted -> panel`; the decision moves
it on (`matching`, once every action is done) or back (`submitted`). Every referral move
goes through `app.services.referrals.move`. Matching calls `ensure_no_outstanding_actions`
before proposing a match (R4).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import LONDON
from app.domain.errors import InvalidTransition
from app.domain.panels import (
    BOOKING,
    book_referral_action,
    booking_deadline,
    check_attach,
    check_decision,
    check_no_outstanding_actions,
    missing_documents,
    referral_action_for,
    required_documents,
)
from app.ids import uuid7
from app.models import Document, Panel, PanelAction, PanelBooking, PanelBookingDocument
from app.models.referrals import Referral
from app.pagination import PageParams
from app.problems import Conflict, NotFound, ValidationFailed
from app.schemas.panels import (
    AttachDocumentBody,
    AttachedDocumentRead,
    DecisionBody,
    PanelActionRead,
    PanelBookingCreate,
    PanelBookingRead,
    PanelCreate,
    PanelRead,
)
from app.services.common import (
    check_if_match,
    fetch_page,
    in_scope,
    must_exist,
    scoped_page,
)
from app.services.funding import check_booking_funding_request
from app.services.matching import PROPOSE_CHECKS
from app.services.referrals import ON_WITHDRAWN, move
from app.services.referrals import load_visible as load_referral
from app.uow import UnitOfWork

PANEL = "panel"
BOOKING_SUBJECT = "panel_booking"
ACTION_SUBJECT = "panel_action"
DOCUMENTS_DUE = "panel_documents_due"
ACTION_DUE = "panel_action"


@dataclass(frozen=True)
class PanelsFilter:
    kind: str | None = None
    from_date: date | None = None
    to_date: date | None = None


@dataclass(frozen=True)
class BookingsFilter:
    referral_id: uuid.UUID | None = None
    panel_id: uuid.UUID | None = None
    status: str | None = None


# --- R4 seam for matching ---------------------------------------------------------------


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
    """R4: raise 409 `panel_actions_outstanding` while any panel action is not done.
    Matching calls this before proposing a match, in its own unit of work."""
    check_no_outstanding_actions(await outstanding_actions(uow, referral_id))


# --- panels -----------------------------------------------------------------------------


async def create_panel(ctx: Context, body: PanelCreate) -> PanelRead:
    ctx.principal.require("panels.write")
    async with ctx.uow() as uow:
        panel = Panel(
            **body.model_dump(),
            id=uuid7(),
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(panel)
        await uow.flush()
        read = PanelRead.model_validate(panel)
        uow.record("created", PANEL, panel.id, after=read.model_dump(mode="json"))
        return read


async def get_panel(ctx: Context, panel_id: uuid.UUID) -> PanelRead:
    async with ctx.uow() as uow:
        return PanelRead.model_validate(
            must_exist(await uow.get(Panel, panel_id), "panel", panel_id)
        )


async def list_panels(
    ctx: Context, flt: PanelsFilter, page: PageParams
) -> tuple[list[PanelRead], str | None]:
    async with ctx.uow() as uow:
        stmt = select(Panel)
        if flt.kind:
            stmt = stmt.where(col(Panel.kind) == flt.kind)
        if flt.from_date:
            stmt = stmt.where(col(Panel.date) >= flt.from_date)
        if flt.to_date:
            stmt = stmt.where(col(Panel.date) <= flt.to_date)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Panel.id), page)
        return [PanelRead.model_validate(p) for p in rows], next_cursor


# --- bookings: reading ------------------------------------------------------------------


async def _children(
    uow: UnitOfWork, booking_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[PanelBookingDocument]], dict[uuid.UUID, list[PanelAction]]]:
    docs: dict[uuid.UUID, list[PanelBookingDocument]] = {b: [] for b in booking_ids}
    actions: dict[uuid.UUID, list[PanelAction]] = {b: [] for b in booking_ids}
    if not booking_ids:
        return docs, actions
    ids = list(booking_ids)
    for doc in (
        await uow.session.exec(
            select(PanelBookingDocument)
            .where(col(PanelBookingDocument.booking_id).in_(ids))
            .order_by(col(PanelBookingDocument.id))
        )
    ).all():
        docs[doc.booking_id].append(doc)
    for action in (
        await uow.session.exec(
            select(PanelAction)
            .where(col(PanelAction.booking_id).in_(ids))
            .order_by(col(PanelAction.position))
        )
    ).all():
        actions[action.booking_id].append(action)
    return docs, actions


def _read(
    booking: PanelBooking, docs: Sequence[PanelBookingDocument], actions: Sequence[PanelAction]
) -> PanelBookingRead:
    due_at = booking.documents_due_at
    return PanelBookingRead.model_validate(
        {
            **booking.model_dump(),
            # Shown as the London end of day it is (R3): +01:00 in BST, +00:00 in GMT.
            "documents_due_at": due_at.astimezone(LONDON) if due_at else None,
            "missing_documents": missing_documents(
                booking.required_documents, (d.kind for d in docs)
            ),
            "documents": [AttachedDocumentRead.model_validate(d) for d in docs],
            "actions": [PanelActionRead.model_validate(a) for a in actions],
        }
    )


async def _read_one(uow: UnitOfWork, booking: PanelBooking) -> PanelBookingRead:
    docs, actions = await _children(uow, [booking.id])
    return _read(booking, docs[booking.id], actions[booking.id])


async def load_visible(
    uow: UnitOfWork, booking_id: uuid.UUID, *, for_update: bool = False
) -> PanelBooking:
    """The booking if the caller may see its referral (its team); 404 otherwise."""
    booking = await uow.get(PanelBooking, booking_id, for_update=for_update)
    return in_scope(
        uow.principal, booking.team if booking else None, booking, "panel booking", booking_id
    )


async def get_booking(ctx: Context, booking_id: uuid.UUID) -> PanelBookingRead:
    async with ctx.uow() as uow:
        return await _read_one(uow, await load_visible(uow, booking_id))


async def list_bookings(
    ctx: Context, flt: BookingsFilter, page: PageParams
) -> tuple[list[PanelBookingRead], str | None]:
    async with ctx.uow() as uow:
        rows, next_cursor = await scoped_page(
            uow,
            PanelBooking,
            page,
            referral_id=flt.referral_id,
            panel_id=flt.panel_id,
            status=flt.status,
        )
        docs, actions = await _children(uow, [b.id for b in rows])
        return [_read(b, docs[b.id], actions[b.id]) for b in rows], next_cursor


# --- bookings: changes ------------------------------------------------------------------


async def _lock_referral(uow: UnitOfWork, referral_id: uuid.UUID) -> Referral:
    return must_exist(
        await uow.get(Referral, referral_id, for_update=True), "referral", referral_id
    )


async def create_booking(ctx: Context, body: PanelBookingCreate) -> PanelBookingRead:
    """Book a referral into a panel. Practice assurance: the referral moves `submitted ->
    panel` (R1) and the booker owes the documents by `documents_due_at` (R3)."""
    async with ctx.uow() as uow:
        referral = await load_referral(uow, body.referral_id, for_update=True)
        ctx.principal.require("panel_bookings.create")
        panel = must_exist(await uow.get(Panel, body.panel_id), "panel", body.panel_id)
        booking_id = uuid7()
        action = book_referral_action(panel.kind, referral.status)
        await check_booking_funding_request(uow, panel.kind, referral.id, body.funding_request_id)
        if action is not None:
            await move(uow, referral, action, booking_id=booking_id, panel_id=panel.id)
        due_on, due_at = booking_deadline(panel.kind, panel.date, ctx.calendar, ctx.policy)
        booking = PanelBooking(
            id=booking_id,
            referral_id=referral.id,
            panel_id=panel.id,
            panel_kind=panel.kind,
            panel_date=panel.date,
            team=referral.team,
            status="booked",
            required_documents=required_documents(panel.kind, referral.service, ctx.policy),
            funding_request_id=body.funding_request_id,
            documents_due_on=due_on,
            documents_due_at=due_at,
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(booking)
        if booking.required_documents and due_at is not None:
            uow.open_work(
                kind=DOCUMENTS_DUE,
                rule="R3",
                title=f"Send the documents for the practice assurance panel on {panel.date}",
                subject_type=BOOKING_SUBJECT,
                subject_id=booking.id,
                due_at=due_at,
                assignee_user=ctx.principal.sub,
                scope_team=referral.team,
            )
        await uow.flush()
        read = _read(booking, [], [])
        uow.record(
            "created",
            BOOKING_SUBJECT,
            booking.id,
            after=read.model_dump(mode="json"),
            team=booking.team,
        )
        return read


async def attach_document(
    ctx: Context, booking_id: uuid.UUID, body: AttachDocumentBody, if_match: str | None
) -> PanelBookingRead:
    """R3: attach a referral document. After `documents_due_at` it is refused unless a panel
    member accepts it late (who and when are recorded)."""
    async with ctx.uow() as uow:
        booking = await load_visible(uow, booking_id, for_update=True)
        ctx.principal.require("panel_bookings.attach")
        if body.accept_late:
            ctx.principal.require("panel_bookings.accept_late")
        check_if_match(if_match, booking.version)
        BOOKING.transition(booking.status, "attach_document")
        document = await uow.get(Document, body.document_id)
        if (
            document is None
            or document.owner_type != "referral"
            or document.owner_id != booking.referral_id
        ):
            raise ValidationFailed(
                "document_id must be a document uploaded to this booking's referral.",
                errors=[{"loc": ["body", "document_id"], "msg": "not a document of the referral"}],
            )
        docs, actions = await _children(uow, [booking.id])
        if any(d.document_id == document.id for d in docs[booking.id]):
            raise Conflict(
                "That document is already attached to this booking.",
                code="document_already_attached",
            )
        late = check_attach(booking.documents_due_at, uow.now, body.accept_late)
        attached = PanelBookingDocument(
            id=uuid7(),
            booking_id=booking.id,
            document_id=document.id,
            kind=document.kind,
            attached_at=uow.now,
            attached_by=ctx.principal.sub,
            late=late,
            accepted_late_by=ctx.principal.sub if late else None,
            accepted_late_at=uow.now if late else None,
        )
        uow.add(attached)
        uow.touch(booking)
        uow.add(booking)
        await uow.flush()
        read = _read(booking, [*docs[booking.id], attached], actions[booking.id])
        if not read.missing_documents:
            await uow.close_work(
                BOOKING_SUBJECT, booking.id, kinds=[DOCUMENTS_DUE], reason="documents_received"
            )
        uow.record(
            "document_attached",
            BOOKING_SUBJECT,
            booking.id,
            after=AttachedDocumentRead.model_validate(attached).model_dump(mode="json"),
            data={
                "document_id": str(document.id),
                "kind": document.kind,
                "late": late,
                "accepted_late_by": attached.accepted_late_by,
                "missing_documents": read.missing_documents,
                "referral_id": str(booking.referral_id),
            },
            team=booking.team,
        )
        return read


async def decide(
    ctx: Context, booking_id: uuid.UUID, body: DecisionBody, if_match: str | None
) -> PanelBookingRead:
    """R4: record the panel's decision and move the referral: approved -> matching;
    approved_with_actions -> stays at panel until every action is done; deferred or
    declined -> back to submitted for a new booking."""
    async with ctx.uow() as uow:
        booking = await load_visible(uow, booking_id, for_update=True)
        ctx.principal.require("panel_bookings.decide")
        check_if_match(if_match, booking.version)
        booking.status = BOOKING.transition(booking.status, "decide")
        check_decision(booking.panel_kind, body.outcome, body.actions)
        referral = await _lock_referral(uow, booking.referral_id)
        before = {"status": "booked", "decision": None}
        booking.decision = body.outcome
        booking.decision_notes = body.notes
        booking.decided_at = uow.now
        booking.decided_by = ctx.principal.sub
        uow.touch(booking)
        uow.add(booking)
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
            BOOKING_SUBJECT, booking.id, kinds=[DOCUMENTS_DUE], reason="booking_decided"
        )
        referral_action = referral_action_for(body.outcome, len(actions))
        if referral_action is not None:
            await move(uow, referral, referral_action, booking_id=booking.id, outcome=body.outcome)
        await uow.flush()
        read = await _read_one(uow, booking)
        uow.record(
            "decided",
            BOOKING_SUBJECT,
            booking.id,
            before=before,
            after={"status": read.status, "decision": read.decision},
            data={
                "outcome": body.outcome,
                "actions": [a.model_dump(mode="json") for a in read.actions],
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
        booking = await load_visible(uow, booking_id, for_update=True)
        ctx.principal.require("panel_actions.complete")
        check_if_match(if_match, booking.version)
        action = await uow.get(PanelAction, action_id, for_update=True)
        if action is None or action.booking_id != booking.id:
            raise NotFound(f"No panel action {action_id} on this booking.")
        BOOKING.transition(booking.status, "complete_action")
        if action.done:
            raise InvalidTransition("That panel action is already done.", rule="R4")
        action.done = True
        action.done_at = uow.now
        action.done_by = ctx.principal.sub
        uow.add(action)
        uow.touch(booking)
        uow.add(booking)
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
                "description": action.description,
                "outstanding": remaining,
            },
            team=booking.team,
        )
        if remaining == 0 and booking.decision == "approved_with_actions":
            referral = await _lock_referral(uow, booking.referral_id)
            referral_action = referral_action_for(booking.decision, remaining)
            if referral_action is not None:
                await move(uow, referral, referral_action, booking_id=booking.id)
        await uow.flush()
        return await _read_one(uow, booking)


async def _r4_before_matching(uow: UnitOfWork, referral: Referral) -> None:
    await ensure_no_outstanding_actions(uow, referral.id)


async def close_panel_work(uow: UnitOfWork, referral: Referral) -> None:
    """A withdrawn referral owes nothing more to a panel: close its bookings' and actions'
    work items (R3, R4)."""
    bookings = (
        await uow.session.exec(
            select(PanelBooking.id).where(col(PanelBooking.referral_id) == referral.id)
        )
    ).all()
    for booking_id in bookings:
        await uow.close_work(BOOKING_SUBJECT, booking_id, reason="referral_withdrawn")
    actions = (
        await uow.session.exec(
            select(PanelAction.id).where(col(PanelAction.referral_id) == referral.id)
        )
    ).all()
    for action_id in actions:
        await uow.close_work(ACTION_SUBJECT, action_id, reason="referral_withdrawn")


PROPOSE_CHECKS.append(_r4_before_matching)
ON_WITHDRAWN.append(close_panel_work)
