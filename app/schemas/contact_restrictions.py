"""Contact restrictions (R16): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, model_validator

from app.schemas.common import Input, LongText, Output


class ContactRestrictionCreate(Input):
    """R16: agreed with the placing authority first, or imposed first in an emergency."""

    description: LongText | None = None
    details: LongText | None = Field(default=None, description="Another name for description.")
    emergency: bool = False
    agreed_with_placing_authority: bool = False

    @model_validator(mode="after")
    def _one_description(self) -> ContactRestrictionCreate:
        if not (self.description or self.details):
            raise ValueError("give a description of the restriction")
        return self

    @property
    def text(self) -> str:
        return str(self.description or self.details)


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
    imposed_at: datetime
    imposed_by: str
    notify_by: datetime | None = Field(
        description="An emergency restriction's deadline to notify the placing authority (R16)."
    )
    notified_at: datetime | None
    notified_by: str | None
    notification_notes: str | None
    created_at: datetime
    updated_at: datetime
    version: int
