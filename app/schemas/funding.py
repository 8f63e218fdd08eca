"""Funding requests (R6): request and response bodies. Money is integer pence."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.common import BoundedDate, Input, LongText, Output, Patch, Pence
from app.schemas.enums import FundingOutcome, FundingStatus

Outcome = FundingOutcome


class CostBreakdown(BaseModel):
    """R6: the weekly cost in parts (seed 003 step 9); they sum to `weekly_cost_pence`."""

    model_config = ConfigDict(extra="forbid")

    core_pence: Pence = 0
    additional_support_pence: Pence = 0
    education_pence: Pence = 0
    other_pence: Pence = 0


class FundingRequestCreate(Input):
    referral_id: uuid.UUID
    placement_id: uuid.UUID | None = None
    match_id: uuid.UUID | None = Field(
        default=None,
        description="The referral's accepted match the costings are for; required for a "
        "planned placement (R6).",
    )
    weekly_cost_pence: Pence
    cost_breakdown: CostBreakdown | None = None
    one_off_cost_pence: Pence = 0
    moving_on: BoundedDate | None = Field(default=None, description="The planned moving date.")
    notes: LongText | None = None


class FundingRequestUpdate(Patch):
    """PATCH a draft or returned request's costings; its status moves only by actions."""

    clearable = frozenset({"notes", "cost_breakdown", "moving_on"})

    weekly_cost_pence: Pence | None = None
    cost_breakdown: CostBreakdown | None = None
    one_off_cost_pence: Pence | None = None
    moving_on: BoundedDate | None = None
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
    match_id: uuid.UUID | None = Field(description="The accepted match the costings follow.")
    emergency: bool
    weekly_cost_pence: int = Field(description="Integer pence, GBP.")
    cost_breakdown: CostBreakdown | None
    one_off_cost_pence: int = Field(description="Integer pence, GBP.")
    moving_on: date | None
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
