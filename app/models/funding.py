"""Funding requests: costings for a referral or placement, in integer pence (R6)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field

from app.models.base import JSONType, UTCDateTime, Versioned, id_field


class FundingRequest(Versioned, table=True):
    __tablename__ = "funding_requests"

    id: uuid.UUID = id_field()
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    placement_id: uuid.UUID | None = Field(default=None, foreign_key="placements.id", index=True)
    # R6: the accepted match the costings are for (a planned placement's request names it).
    match_id: uuid.UUID | None = Field(default=None, foreign_key="matches.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="people.id")
    # The referral's team: scopes who may see the request.
    team: str = Field(max_length=100, index=True)
    emergency: bool = Field(default=False)
    weekly_cost_pence: int = Field(sa_type=BigInteger)
    one_off_cost_pence: int = Field(default=0, sa_type=BigInteger)
    cost_breakdown: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    # The planned moving date the costings assume (seed 003 step 8).
    moving_on: date | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    status: str = Field(default="draft", max_length=12, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=10_000)
    # R6 four eyes: every sub who created, edited or submitted the request; none decides it.
    edited_by: list[str] = Field(default_factory=list, sa_type=JSONType)
