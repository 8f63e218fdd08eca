"""Reviews (R12-R15, R17): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from app.schemas.common import BoundedDate, Input, LongText, Output
from app.schemas.enums import MeetingStatus, ReviewKind
from app.schemas.review_records import ReviewActionRead, ReviewParticipantRead

ReviewStatus = MeetingStatus


class ExtraReview(Input):
    """An extra review (R14 significant change) or QA visit (R17)."""

    kind: ReviewKind
    due_on: BoundedDate
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
