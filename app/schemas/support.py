"""Placement support (R8, R9, R11): request and response bodies for support requests,
casework episodes and contacts, and supervisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from app.schemas.common import BoundedDate, Input, LongText, Output

SupportRequestStatus = Literal["draft", "submitted", "allocated", "not_allocated", "closed"]
EpisodeStatus = Literal["open", "checkpoint_due", "continued", "closed"]
ContactMethod = Literal["visit", "phone", "video", "message", "other"]
SupervisionStatus = Literal["scheduled", "held", "cancelled"]
SupervisionOutcome = Literal["next_in_4_weeks", "next_in_8_weeks", "service_ended"]
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Who = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


# --- support requests (R8) ----------------------------------------------------------------


class SupportRequestCreate(Input):
    provider_id: uuid.UUID = Field(description="The foster carer household (service foster_care).")
    reason: LongText = Field(description="Why placement support is asked for.")


class SupportDecision(Input):
    """R8: `{"allocated": true, "allocated_on", "support_worker"}` or
    `{"allocated": false, "nfa_reason"}` (a reason from GET /v1/policy `nfa_reasons`)."""

    allocated: bool
    allocated_on: BoundedDate | None = Field(
        default=None, description="When allocated (if allocated)."
    )
    support_worker: UserId | None = Field(
        default=None, description="The allocated placement support worker's user id (sub)."
    )
    nfa_reason: str | None = Field(
        default=None, max_length=100, description="No further action: why (if not allocated)."
    )
    note: Note | None = None

    @model_validator(mode="after")
    def _shape(self) -> SupportDecision:
        if self.allocated:
            if self.allocated_on is None or self.support_worker is None:
                raise ValueError("an allocation needs allocated_on and support_worker")
            if self.nfa_reason is not None:
                raise ValueError("an allocation has no nfa_reason")
        elif self.allocated_on is not None or self.support_worker is not None:
            raise ValueError("a request not allocated has no allocated_on or support_worker")
        elif self.nfa_reason is None:
            raise ValueError("a request not allocated needs an nfa_reason")
        return self


class SupportRequestRead(Output):
    id: uuid.UUID
    provider_id: uuid.UUID
    team: str = Field(description="The foster carer's team: scopes who may see the request.")
    reason: str
    status: SupportRequestStatus
    requested_by: str = Field(description="The supervising social worker who asked.")
    submitted_at: datetime | None
    submitted_by: str | None
    allocated: bool | None
    allocated_on: date | None
    support_worker: str | None
    nfa_reason: str | None
    decision_note: str | None
    decided_by: str | None
    decided_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# --- casework (R9) ------------------------------------------------------------------------


class ContactCreate(Input):
    """A casework contact with the foster carers or the family on the adult record. Direct
    work with the child alone is a case note (`psw_direct_work_with_child`, R10), not this."""

    contact_on: BoundedDate
    method: ContactMethod
    with_whom: Who
    summary: LongText


class ContactRead(Output):
    id: uuid.UUID
    episode_id: uuid.UUID
    support_request_id: uuid.UUID
    number: int = Field(description="1-10: its place in the episode.")
    contact_on: date
    method: ContactMethod
    with_whom: str
    summary: str
    recorded_by: str
    recorded_at: datetime


class CheckpointBody(Input):
    """R9: "is placement support still required?" and who completed the answer."""

    still_required: bool
    completed_by: UserId


class EpisodeRead(Output):
    id: uuid.UUID
    support_request_id: uuid.UUID
    team: str
    support_worker: str
    sequence: int
    contact_count: int
    contact_limit: int = Field(description="Contacts before the checkpoint (policy, R9).")
    status: EpisodeStatus
    previous_episode_id: uuid.UUID | None
    next_episode_id: uuid.UUID | None
    checkpoint_due_at: datetime | None
    still_required: bool | None
    completed_by: str | None
    answered_by: str | None
    answered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# --- supervision (R11) --------------------------------------------------------------------


class SupervisionRecord(Input):
    held_on: BoundedDate
    outcome: SupervisionOutcome
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] | None = None


class SupervisionRead(Output):
    id: uuid.UUID
    support_request_id: uuid.UUID
    casework_episode_id: uuid.UUID | None
    team: str
    support_worker: str
    due_on: date
    status: SupervisionStatus
    held_on: date | None
    outcome: SupervisionOutcome | None
    notes: str | None
    recorded_by: str | None
    recorded_at: datetime | None
    previous_supervision_id: uuid.UUID | None
    next_supervision_id: uuid.UUID | None
    cancelled_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int
