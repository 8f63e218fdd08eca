"""R15 review records, one schema per kind (a discriminated union on `kind`), and the
review's actions and participants as the API answers them.

Every kind records the date held, the participants, the previous review's actions with
their status, new actions (each owed by its owner) and the date of the next review. What
else it records depends on the kind (DOMAIN.md R15): the Care Act 2014 s27
considerations belong to the adults' reviews (`shared_lives`, `care_and_support`) only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.schemas.common import BoundedDate, Input, LongText, Output, Text
from app.schemas.enums import Met, RecordFormat

RECORD_FORMATS: tuple[str, ...] = (
    "standard",
    "easy_read",
    "large_print",
    "translated",
    "audio",
    "braille",
)


class UserParticipant(Input):
    """A participant with an account: gets the record as a work item to acknowledge."""

    user_id: Text


class PersonParticipant(Input):
    """A participant without an account (the person, the host, family): the review's author
    sends them the record in their `format`, a work item until recorded as sent."""

    name: Text
    role: Text | None = Field(default=None, description="e.g. the person, host, mother.")
    format: RecordFormat = "standard"


Participant = UserParticipant | PersonParticipant | Text


class NewAction(Input):
    description: LongText
    owner: Text = Field(description="The user id who owes the action: a work item (R15).")
    due_on: BoundedDate


class PreviousActionUpdate(Input):
    """The status of one of the previous review's actions, as the review found it;
    `done: true` completes it (and closes its work item)."""

    action_id: uuid.UUID
    done: bool
    note: LongText | None = None


class RecordBase(Input):
    held_on: BoundedDate
    participants: list[Participant] = Field(
        min_length=1,
        max_length=50,
        description='Each `{"user_id"}` or `{"name", "role"?, "format"?}`; a plain string '
        "is a user id when it has no spaces, else a name (format standard).",
    )
    previous_actions: list[PreviousActionUpdate] = Field(default_factory=list, max_length=100)
    new_actions: list[NewAction] = Field(default_factory=list, max_length=100)
    next_review_on: BoundedDate | None = Field(
        default=None,
        description="Defaults to the rule's date (the kind's stage after the date held); an "
        "earlier date may be set, a later one is 422 next_review_too_late (R12, R14).",
    )
    notes: LongText | None = None

    def participant_list(self) -> list[UserParticipant | PersonParticipant]:
        """The participants as objects, each user once, in the order given."""
        out: list[UserParticipant | PersonParticipant] = []
        users: set[str] = set()
        for p in self.participants:
            if isinstance(p, str):
                p = (
                    PersonParticipant(name=p)
                    if any(c.isspace() for c in p)
                    else UserParticipant(user_id=p)
                )
            if isinstance(p, UserParticipant):
                if p.user_id in users:
                    continue
                users.add(p.user_id)
            out.append(p)
        return out


class ClaRecord(RecordBase):
    """R12 CLA review (seed 002): the child's participation and views, care plan progress,
    contact, health, education, placement stability, and the exit and transition plan
    ("exit planning will be discussed at each review meeting")."""

    kind: Literal["cla"]
    child_participation: LongText
    child_views: LongText
    care_plan_progress: LongText
    contact_arrangements: LongText
    health: LongText
    education: LongText
    placement_stability: LongText
    exit_plan: LongText


class PlansUpdated(Input):
    support_plan: bool
    safety_plan: bool


class SupportPlanRecord(RecordBase):
    """R13 support plan review (seed 002): the support and safety plans updated, with the
    child's input, in response to any significant events."""

    kind: Literal["support_plan"]
    plans_updated: PlansUpdated
    child_input: LongText
    significant_events: LongText | None = None


class S27(Input):
    """Care Act 2014 s27: what keeping a care and support plan under review considers."""

    impact: LongText = Field(description="The impact the care and support plan is having.")
    outcomes_achieved: LongText
    provision_contribution: LongText = Field(
        description="How the provision of care and support contributes to the outcomes."
    )
    needs_changed: bool
    needs_changed_notes: LongText | None = None


class AdultRecordBase(RecordBase):
    placement_agreement_met: Met
    care_and_support_plan_met: Met
    s27: S27
    emergencies: LongText = Field(
        description="Emergencies in the period and the actions taken (seed 004)."
    )


class SharedLivesRecord(AdultRecordBase):
    """R14 Shared Lives review (seed 004)."""

    kind: Literal["shared_lives"]


class CareAndSupportRecord(AdultRecordBase):
    """R14 supported living care and support review."""

    kind: Literal["care_and_support"]


class QaVisitRecord(RecordBase):
    """R17 QA visit of an external provider (seed 000): findings and actions for the
    provider."""

    kind: Literal["qa_visit"]
    findings: LongText
    provider_actions: list[LongText] = Field(default_factory=list, max_length=100)


ReviewRecord = Annotated[
    ClaRecord | SupportPlanRecord | SharedLivesRecord | CareAndSupportRecord | QaVisitRecord,
    Field(discriminator="kind"),
]


class ActionComplete(Input):
    note: LongText | None = None


class RecordSent(Input):
    sent_on: BoundedDate
    format: RecordFormat


class ReviewActionRead(Output):
    id: uuid.UUID
    review_id: uuid.UUID
    description: str
    owner: str
    due_on: date
    done: bool
    completed_at: datetime | None
    completed_by: str | None
    note: str | None


class ReviewParticipantRead(Output):
    id: uuid.UUID
    user_id: str | None
    name: str | None
    role: str | None
    format: RecordFormat | None
    sent_on: date | None = Field(description="When the record was sent (non-users).")
    sent_format: RecordFormat | None
    sent_by: str | None
