"""Panels, panel bookings, the documents attached to a booking and panel actions (R3, R4)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import JSONType, UTCDateTime, Versioned, id_field


class Panel(Versioned, table=True):
    """A practice assurance or funding panel meeting on a date (weekly)."""

    __tablename__ = "panels"

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=30, index=True)
    date: dt.date = Field(index=True)
    start_time: dt.time | None = None
    location: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=2000)


class PanelBooking(Versioned, table=True):
    """A referral's slot at a panel, with its document deadline (R3) and decision (R4)."""

    __tablename__ = "panel_bookings"

    id: uuid.UUID = id_field()
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    panel_id: uuid.UUID = Field(foreign_key="panels.id", index=True)
    panel_kind: str = Field(max_length=30)
    panel_date: dt.date
    # The referral's team: who may see the booking.
    team: str = Field(max_length=100, index=True)
    status: str = Field(default="booked", max_length=20, index=True)
    # The kinds required when booked (policy at that time).
    required_documents: list[str] = Field(default_factory=list, sa_type=JSONType)
    documents_due_on: dt.date | None = None
    documents_due_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=30)
    decision_notes: str | None = Field(default=None, max_length=4000)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = Field(default=None, max_length=200)
    # R6: the funding request a funding panel booking decides.
    funding_request_id: uuid.UUID | None = Field(
        default=None, foreign_key="funding_requests.id", index=True
    )


class PanelBookingDocument(SQLModel, table=True):
    """A referral document attached to a booking; late ones record who accepted them (R3)."""

    __tablename__ = "panel_booking_documents"
    __table_args__ = (UniqueConstraint("booking_id", "document_id"),)

    id: uuid.UUID = id_field()
    booking_id: uuid.UUID = Field(foreign_key="panel_bookings.id", index=True)
    document_id: uuid.UUID = Field(foreign_key="documents.id")
    kind: str = Field(max_length=50)
    attached_at: dt.datetime = Field(sa_type=UTCDateTime)
    attached_by: str = Field(max_length=200)
    late: bool = Field(default=False)
    accepted_late_by: str | None = Field(default=None, max_length=200)
    accepted_late_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class PanelAction(SQLModel, table=True):
    """An action set by an `approved_with_actions` decision (R4)."""

    __tablename__ = "panel_actions"

    id: uuid.UUID = id_field()
    booking_id: uuid.UUID = Field(foreign_key="panel_bookings.id", index=True)
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    position: int
    description: str = Field(max_length=2000)
    done: bool = Field(default=False)
    done_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
