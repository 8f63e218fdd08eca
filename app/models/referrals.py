"""Referrals: a request for a placement for a person (R1, R2)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, Versioned, id_field


class Referral(Versioned, table=True):
    __tablename__ = "referrals"
    # Its ids in other systems are rows of record_external_ids of this kind (issue 13).
    external_kind: ClassVar[str] = "referral"
    # A team's keyset pages (0031_perf_indexes).
    __table_args__ = (Index("ix_referrals_team_id", "team", "id"),)

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
    # R2: a planned referral opened because an emergency placement cannot sustain.
    previous_referral_id: uuid.UUID | None = Field(
        default=None, foreign_key="referrals.id", index=True
    )


class ReferralFollowUp(SQLModel, table=True):
    """An R2 follow-up of an emergency referral recorded by the placements team."""

    __tablename__ = "referral_follow_ups"
    __table_args__ = (UniqueConstraint("referral_id", "kind"),)

    id: uuid.UUID = id_field()
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    team: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=40)
    done_on: date
    note: str | None = Field(default=None, max_length=2000)
    outcome: str | None = Field(default=None, max_length=20)
    planned_referral_id: uuid.UUID | None = Field(default=None, foreign_key="referrals.id")
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
