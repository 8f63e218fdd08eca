"""Restrictions of a child's contact during a placement (R16)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field


class ContactRestriction(Versioned, table=True):
    __tablename__ = "contact_restrictions"

    id: uuid.UUID = id_field()
    placement_id: uuid.UUID = Field(foreign_key="placements.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="people.id")
    team: str = Field(max_length=100, index=True)
    description: str = Field(max_length=10_000)
    emergency: bool = Field(default=False)
    agreed_with_placing_authority: bool = Field(default=False)
    # R16: who at the placing authority agreed the restriction.
    agreed_with: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=12)
    imposed_at: datetime = Field(sa_type=UTCDateTime)
    imposed_by: str = Field(max_length=200)
    notify_by: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notified_by: str | None = Field(default=None, max_length=200)
    notification_notes: str | None = Field(default=None, max_length=10_000)
    lifted_on: date | None = Field(default=None)
    lift_reason: str | None = Field(default=None, max_length=10_000)
    lifted_by: str | None = Field(default=None, max_length=200)
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
