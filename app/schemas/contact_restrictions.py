"""Contact restrictions (R16): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field, model_validator

from app.schemas.common import BoundedDate, Input, LongText, Output, Text
from app.schemas.enums import RestrictionStatus


class ContactRestrictionCreate(Input):
    """R16: agreed with the placing authority first (`agreed_with`: who agreed it), or
    imposed first in an emergency and notified within 24 hours of `imposed_at`."""

    description: LongText | None = None
    details: LongText | None = Field(default=None, description="Another name for description.")
    emergency: bool = False
    agreed_with: Text | None = Field(
        default=None,
        description="Who at the placing authority agreed the restriction; required when it "
        "is not an emergency (422, R16).",
    )
    imposed_at: datetime | None = Field(
        default=None,
        description="When it was imposed (RFC 3339): not in the future nor before the "
        "placement started; defaults to now. The 24 hours to notify run from here.",
    )

    @model_validator(mode="after")
    def _one_description(self) -> ContactRestrictionCreate:
        if not (self.description or self.details):
            raise ValueError("give a description of the restriction")
        if self.imposed_at is not None and self.imposed_at.tzinfo is None:
            raise ValueError("imposed_at needs a UTC offset")
        return self

    @property
    def text(self) -> str:
        return str(self.description or self.details)


class ContactRestrictionLift(Input):
    lifted_on: BoundedDate
    reason: LongText


class ContactRestrictionNotify(Input):
    notes: LongText | None = None


class ContactRestrictionRead(Output):
    id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    team: str
    description: str
    emergency: bool
    agreed_with_placing_authority: bool
    agreed_with: str | None
    status: RestrictionStatus
    imposed_at: datetime
    imposed_by: str
    notify_by: datetime | None = Field(
        description="An emergency restriction's deadline to notify the placing authority (R16)."
    )
    notified_at: datetime | None
    notified_by: str | None
    notification_notes: str | None
    lifted_on: date | None
    lift_reason: str | None
    lifted_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int
