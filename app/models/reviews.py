"""Reviews of placements (R12-R15, R17) and contact restrictions (R16)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlmodel import Field

from app.models.base import JSONType, UTCDateTime, Versioned, id_field


class Review(Versioned, table=True):
    __tablename__ = "reviews"

    id: uuid.UUID = id_field()
    placement_id: uuid.UUID = Field(foreign_key="placements.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="people.id")
    # The placement's team: scopes who may see the review and owes its work item.
    team: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=20, index=True)
    rule: str = Field(max_length=10)
    due_on: date
    status: str = Field(default="scheduled", max_length=12, index=True)
    extra: bool = Field(default=False)
    reason: str | None = Field(default=None, max_length=10_000)
    previous_review_id: uuid.UUID | None = Field(default=None)
    # The review's number in the person's series of its kind (1 = the first): which
    # policy stage sets the next due date (R12, R14).
    sequence: int = Field(default=1)
    held_on: date | None = Field(default=None)
    record: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    next_review_id: uuid.UUID | None = Field(default=None)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recorded_by: str | None = Field(default=None, max_length=200)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_reason: str | None = Field(default=None, max_length=200)


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
