"""Placement support requests (R8): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.schemas.common import BoundedDate, Input, LongText, Output
from app.schemas.enums import SupportRequestStatus

UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


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
