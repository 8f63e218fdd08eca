"""Referrals: a request for a placement for a person (R1, R2)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field


class Referral(Versioned, table=True):
    __tablename__ = "referrals"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="people.id", index=True)
    # The person's team when the referral was made: scopes who may see it.
    team: str = Field(max_length=100, index=True)
    urgency: str = Field(max_length=10, index=True)
    service: str = Field(max_length=30, index=True)
    needs: str = Field(max_length=10_000)
    requested_start: date
    status: str = Field(default="draft", max_length=12, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_reason: str | None = Field(default=None, max_length=2000)
    close_note: str | None = Field(default=None, max_length=2000)
