"""Reviews (R12-R15, R17) and contact restrictions (R16): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from app.schemas.common import Input, LongText, Output, Text
from app.schemas.review_records import ReviewActionRead, ReviewParticipantRead

ReviewKind = Literal["cla", "support_plan", "shared_lives", "care_and_support", "qa_visit"]
ReviewStatus = Literal["scheduled", "held", "cancelled"]


class ExtraReview(Input):
    """An extra review (R14 significant change) or QA visit (R17)."""

    kind: ReviewKind
    due_on: date
    reason: LongText


class ReviewRead(Output):
    id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    team: str
    kind: ReviewKind
    rule: str = Field(description="The rule that set the due date (R12, R13, R14, R17).")
    due_on: date
    sequence: int = Field(
        description="The review's number in the person's series of its kind (1 = the first)."
    )
    status: ReviewStatus
    extra: bool
    reason: str | None
    previous_review_id: uuid.UUID | None
    held_on: date | None
    record: dict[str, Any] | None = Field(description="The R15 record once held.")
    actions: list[ReviewActionRead] = Field(
        default_factory=list, description="The new actions this review set (R15)."
    )
    participants: list[ReviewParticipantRead] = Field(
        default_factory=list, description="Who took part, each sent the record (R15)."
    )
    previous_actions: list[ReviewActionRead] = Field(
        default_factory=list,
        description="The previous review's actions with their status now (R15).",
    )
    next_review_id: uuid.UUID | None
    recorded_at: datetime | None
    recorded_by: str | None
    cancelled_at: datetime | None
    cancelled_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int


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
    lifted_on: date
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
    status: Literal["active", "lifted"]
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
