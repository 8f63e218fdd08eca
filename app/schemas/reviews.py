"""Reviews (R12-R15, R17) and contact restrictions (R16): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from app.schemas.common import BoundedDate, Input, LongText, Output, Text

ReviewKind = Literal["cla", "support_plan", "shared_lives", "qa_visit"]
ReviewStatus = Literal["scheduled", "held", "cancelled"]
Met = Literal["fully", "partly", "not_met"]


class S27Considerations(Input):
    """Care Act 2014 s27: the considerations a review records (R15)."""

    impact_of_plan: LongText
    outcomes_achieved: LongText
    provision_contribution: LongText
    needs_changed: bool
    needs_changed_notes: LongText | None = None


class ParticipantRef(Input):
    """A participant named explicitly: a user (`user_id`, a token subject) or a person
    without an account (`name`), not both."""

    user_id: Text | None = None
    name: Text | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ParticipantRef:
        if (self.user_id is None) == (self.name is None):
            raise ValueError("give user_id or name")
        return self


class NewAction(Input):
    description: LongText
    owner: Text
    due_on: BoundedDate


class ReviewRecord(Input):
    """R15: what a held review records. Each participant is a user id (a string without
    spaces, or `{"user_id": ...}`), who gets the record as a `review_record` work item until
    acknowledged, or the name of someone without an account (a string with a space, or
    `{"name": ...}`)."""

    held_on: BoundedDate
    participants: list[Text | ParticipantRef] = Field(min_length=1, max_length=50)
    placement_agreement_met: Met
    care_and_support_plan_met: Met
    s27: S27Considerations
    emergencies: LongText | None = Field(
        default=None, description="Emergencies in the period and what was done."
    )
    previous_actions_review: LongText | None = None
    new_actions: list[NewAction] = Field(default_factory=list, max_length=100)
    next_review_on: BoundedDate | None = Field(
        default=None,
        description="Defaults to the date held plus the kind's interval; an earlier date may "
        "be set, a later one only with next_review_reason (R15).",
    )
    next_review_reason: LongText | None = None
    notes: LongText | None = None

    def participant_user_ids(self) -> list[str]:
        """The participants who are users, each once, in the order given."""
        out: list[str] = []
        for p in self.participants:
            if isinstance(p, ParticipantRef):
                user = p.user_id
            else:
                user = p if not any(c.isspace() for c in p) else None
            if user is not None and user not in out:
                out.append(user)
        return out


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
    status: ReviewStatus
    extra: bool
    reason: str | None
    previous_review_id: uuid.UUID | None
    held_on: date | None
    record: dict[str, Any] | None = Field(description="The R15 record once held.")
    next_review_id: uuid.UUID | None
    recorded_at: datetime | None
    recorded_by: str | None
    cancelled_at: datetime | None
    cancelled_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int


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
