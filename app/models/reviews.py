"""Reviews of placements (R12-R15, R17)."""

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
