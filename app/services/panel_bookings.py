"""Panel bookings (R1, R3; seed 003 step 2): book a referral into a panel, read bookings.

A practice assurance booking (supported living only, never into a panel whose date has
passed) moves its referral `submitted -> panel` (through `app.services.referrals.move`),
owes the booker the R3 documents by `documents_due_at` and is a work item for the booker
to attend, due on the panel date (R3, R18); a new booking closes the referral's R4
"rebook" item. Attaching them is `app.services.panel_documents`; the decision and
its actions are `app.services.panel_decisions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from app.context import Context
from app.domain.calendar import LONDON, end_of_day, local_date
from app.domain.panels import (
    book_referral_action,
    booking_deadline,
    check_booking,
    missing_documents,
    panel_day,
    required_documents,
)
from app.ids import uuid7
from app.models import Document, Panel, PanelAction, PanelBooking, PanelBookingDocument, Referral
from app.pagination import PageParams
from app.schemas.panels import (
    AttachedDocumentRead,
    PanelActionRead,
    PanelBookingCreate,
    PanelBookingRead,
)
from app.services.common import load_visible, scoped_page
from app.services.funding import check_booking_funding_request
from app.services.referrals import move
from app.uow import UnitOfWork

SUBJECT = "panel_booking"
ACTION_SUBJECT = "panel_action"
DOCUMENTS_DUE = "panel_documents_due"
# R3/R18: the booker attends the panel; closed by the panel's decision.
ATTEND = "panel_attend"
# R4/R18 hand-offs on the referral: rebook after a deferral (closed by a new booking),
# and begin matching after an approval (closed by the first match proposed).
REFERRAL_SUBJECT = "referral"
REBOOK = "panel_rebook"
BEGIN_MATCHING = "begin_matching"


@dataclass(frozen=True)
class BookingsFilter:
    referral_id: uuid.UUID | None = None
    panel_id: uuid.UUID | None = None
    status: str | None = None


async def children(
    uow: UnitOfWork, booking_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[PanelBookingDocument]], dict[uuid.UUID, list[PanelAction]]]:
    """The attached documents and the actions of each booking, in order."""
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


async def assured_documents(
    uow: UnitOfWork, docs: Iterable[PanelBookingDocument]
) -> frozenset[uuid.UUID]:
    """The ids, among these attached documents, of those a team manager has assured (R3)."""
    ids = sorted({d.document_id for d in docs})
    if not ids:
        return frozenset()
    rows = await uow.session.exec(
        select(Document.id)
        .where(col(Document.id).in_(ids))
        .where(col(Document.assured_at).is_not(None))
    )
    return frozenset(rows.all())


def to_read(
    booking: PanelBooking,
    docs: Sequence[PanelBookingDocument],
    actions: Sequence[PanelAction],
    assured: Collection[uuid.UUID],
) -> PanelBookingRead:
    due_at = booking.documents_due_at
    return PanelBookingRead.model_validate(
        {
            **booking.model_dump(),
            # Shown as the London end of day it is (R3): +01:00 in BST, +00:00 in GMT.
            "documents_due_at": due_at.astimezone(LONDON) if due_at else None,
            "missing_documents": missing_documents(
                booking.required_documents, ((d.kind, d.document_id in assured) for d in docs)
            ),
            "documents": [
                AttachedDocumentRead.model_validate(
                    {**d.model_dump(), "assured": d.document_id in assured}
                )
                for d in docs
            ],
            "actions": [PanelActionRead.model_validate(a) for a in actions],
        }
    )


async def read_one(uow: UnitOfWork, booking: PanelBooking) -> PanelBookingRead:
    docs, actions = await children(uow, [booking.id])
    assured = await assured_documents(uow, docs[booking.id])
    return to_read(booking, docs[booking.id], actions[booking.id], assured)


async def get_booking(ctx: Context, booking_id: uuid.UUID) -> PanelBookingRead:
    async with ctx.uow() as uow:
        return await read_one(uow, await load_visible(uow, PanelBooking, booking_id))


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
        docs, actions = await children(uow, [b.id for b in rows])
        assured = await assured_documents(uow, (d for ds in docs.values() for d in ds))
        return [to_read(b, docs[b.id], actions[b.id], assured) for b in rows], next_cursor


async def create_booking(ctx: Context, body: PanelBookingCreate) -> PanelBookingRead:
    """Book a referral into a panel dated today or later (R3). Practice assurance (supported
    living only, R3): the referral moves `submitted -> panel` (R1), the booker owes the
    documents by `documents_due_at` and attends on the panel date (work items, R3/R18)."""
    async with ctx.uow() as uow:
        referral = await load_visible(uow, Referral, body.referral_id, for_update=True)
        ctx.principal.require("panel_bookings.create")
        panel = await load_visible(uow, Panel, body.panel_id)
        check_booking(panel.kind, referral.service, panel.date, local_date(uow.now))
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
        day = panel_day(panel.date)
        if panel.kind == "practice_assurance":
            uow.open_work(
                kind=ATTEND,
                rule="R3",
                title=f"Attend practice assurance panel on {day}",
                subject_type=SUBJECT,
                subject_id=booking.id,
                due_at=end_of_day(panel.date),
                assignee_user=ctx.principal.sub,
                scope_team=referral.team,
            )
            await uow.close_work(REFERRAL_SUBJECT, referral.id, kinds=[REBOOK], reason="rebooked")
        if booking.required_documents and due_at is not None:
            uow.open_work(
                kind=DOCUMENTS_DUE,
                rule="R3",
                title=f"Send the documents for the practice assurance panel on {day}",
                subject_type=SUBJECT,
                subject_id=booking.id,
                due_at=due_at,
                assignee_user=ctx.principal.sub,
                scope_team=referral.team,
            )
        await uow.flush()
        read = to_read(booking, [], [], frozenset())
        uow.record(
            "created",
            SUBJECT,
            booking.id,
            after=read.model_dump(mode="json"),
            team=booking.team,
        )
        return read


async def close_panel_work(uow: UnitOfWork, referral: Referral) -> None:
    """A withdrawn referral owes nothing more to a panel: close its bookings' and actions'
    work items and its rebook and begin-matching hand-offs (R3, R4)."""
    await uow.close_work(
        REFERRAL_SUBJECT, referral.id, kinds=[REBOOK, BEGIN_MATCHING], reason="referral_withdrawn"
    )
    bookings = (
        await uow.session.exec(
            select(PanelBooking.id).where(col(PanelBooking.referral_id) == referral.id)
        )
    ).all()
    for booking_id in bookings:
        await uow.close_work(SUBJECT, booking_id, reason="referral_withdrawn")
    actions = (
        await uow.session.exec(
            select(PanelAction.id).where(col(PanelAction.referral_id) == referral.id)
        )
    ).all()
    for action_id in actions:
        await uow.close_work(ACTION_SUBJECT, action_id, reason="referral_withdrawn")
