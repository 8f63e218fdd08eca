"""Panel booking documents (R3; seed 003 step 2): the referral documents a practice
assurance panel needs, attached to the booking by `documents_due_at` or accepted late by a
panel member, and counted once a team manager has quality-assured them. The booker's
"documents due" item closes when nothing is missing (attached and assured), whichever
comes last: the attachment here, or the assurance (`on_document_assured`, wired to
`app.services.documents.ON_ASSURED`).
"""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from app.context import Context
from app.domain.panels import BOOKING, check_attach, missing_documents
from app.ids import uuid7
from app.models import Document, PanelBooking, PanelBookingDocument
from app.problems import Conflict, ValidationFailed
from app.schemas.panels import AttachDocumentBody, AttachedDocumentRead, PanelBookingRead
from app.services.common import load_for_change
from app.services.panel_bookings import (
    DOCUMENTS_DUE,
    SUBJECT,
    assured_documents,
    children,
    to_read,
)
from app.uow import UnitOfWork

ATTACH = "panel_bookings.attach"
ACCEPT_LATE = "panel_bookings.accept_late"


async def attach_document(
    ctx: Context, booking_id: uuid.UUID, body: AttachDocumentBody, if_match: str | None
) -> PanelBookingRead:
    """R3: attach a referral document. After `documents_due_at` it is refused unless a panel
    member accepts it late (who and when are recorded)."""
    async with ctx.uow() as uow:
        ops = (ATTACH, ACCEPT_LATE) if body.accept_late else ATTACH
        booking = await load_for_change(uow, PanelBooking, booking_id, ops, if_match)
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
        docs, actions = await children(uow, [booking.id])
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
        await uow.flush()
        now_attached = [*docs[booking.id], attached]
        assured = await assured_documents(uow, now_attached)
        read = to_read(booking, now_attached, actions[booking.id], assured)
        if not read.missing_documents:
            await uow.close_work(
                SUBJECT, booking.id, kinds=[DOCUMENTS_DUE], reason="documents_received"
            )
        uow.record(
            "document_attached",
            SUBJECT,
            booking.id,
            after=AttachedDocumentRead.model_validate(
                {**attached.model_dump(), "assured": document.id in assured}
            ).model_dump(mode="json"),
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


async def on_document_assured(uow: UnitOfWork, document: Document) -> None:
    """R3: a document assured may complete a booking's documents: close the "documents
    due" item of each undecided booking it is attached to that now misses nothing."""
    bookings = (
        await uow.session.exec(
            select(PanelBooking)
            .join(PanelBookingDocument, col(PanelBookingDocument.booking_id) == PanelBooking.id)
            .where(col(PanelBookingDocument.document_id) == document.id)
            .where(col(PanelBooking.status) == "booked")
        )
    ).all()
    if not bookings:
        return
    docs, _ = await children(uow, [b.id for b in bookings])
    assured = await assured_documents(uow, (d for ds in docs.values() for d in ds))
    for booking in bookings:
        attached = ((d.kind, d.document_id in assured) for d in docs[booking.id])
        if not missing_documents(booking.required_documents, attached):
            await uow.close_work(
                SUBJECT, booking.id, kinds=[DOCUMENTS_DUE], reason="documents_received"
            )
