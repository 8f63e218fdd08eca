"""Funding requests (R6): request and response bodies. Money is integer pence."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from app.schemas.common import Input, LongText, Output, Patch, Pence

FundingStatus = Literal["draft", "submitted", "approved", "rejected", "returned"]
Outcome = Literal["approved", "rejected", "returned"]


class FundingRequestCreate(Input):
    referral_id: uuid.UUID
    placement_id: uuid.UUID | None = None
    weekly_cost_pence: Pence
    one_off_cost_pence: Pence = 0
    notes: LongText | None = None


class FundingRequestUpdate(Patch):
    """PATCH a draft or returned request's costings; its status moves only by actions."""

    clearable = frozenset({"notes"})

    weekly_cost_pence: Pence | None = None
    one_off_cost_pence: Pence | None = None
    notes: LongText | None = None


class FundingDecision(Input):
    """R6: approved, rejected (with a reason) or returned for changes (with a reason)."""

    outcome: Outcome
    reason: LongText | None = Field(
        default=None, description="Required when the outcome is rejected or returned."
    )

    @model_validator(mode="after")
    def _reason_when_needed(self) -> FundingDecision:
        if self.outcome in ("rejected", "returned") and not self.reason:
            raise ValueError(f"a {self.outcome} decision needs a reason")
        return self


class FundingRequestRead(Output):
    id: uuid.UUID
    referral_id: uuid.UUID
    placement_id: uuid.UUID | None
    person_id: uuid.UUID
    team: str
    emergency: bool
    weekly_cost_pence: int = Field(description="Integer pence, GBP.")
    one_off_cost_pence: int = Field(description="Integer pence, GBP.")
    notes: str | None
    status: FundingStatus
    author: str = Field(description="Who wrote the request; they cannot decide it (R6).")
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    edited_by: list[str] = Field(
        description="Who created, edited or submitted the request; none of them decides it (R6)."
    )
    reason: str | None = Field(description="The reason given with a rejected or returned decision.")
    created_at: datetime
    updated_at: datetime
    version: int
