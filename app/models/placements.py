"""Placements: a person living with a provider from a start date (R7, R2)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Index, text
from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field

ACTIVE = "status = 'active'"


class Placement(Versioned, table=True):
    __tablename__ = "placements"
    # Its ids in other systems are rows of record_external_ids of this kind (issue 13).
    external_kind: ClassVar[str] = "placement"
    __table_args__ = (
        # R7 in the database: at most one active placement per person.
        Index(
            "uq_placements_active_person",
            "person_id",
            unique=True,
            sqlite_where=text(ACTIVE),
            postgresql_where=text(ACTIVE),
        ),
    )

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="people.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="providers.id", index=True)
    vacancy_id: uuid.UUID | None = Field(default=None, foreign_key="vacancies.id", index=True)
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    match_id: uuid.UUID | None = Field(default=None, foreign_key="matches.id")
    # The referral's team: scopes who may see the placement.
    team: str = Field(max_length=100, index=True)
    start_date: date
    end_date: date | None = None
    end_reason: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="active", max_length=10, index=True)
    emergency: bool = Field(default=False)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: str | None = Field(default=None, max_length=200)
    courtesy_call_on: date | None = None
    courtesy_call_by: str | None = Field(default=None, max_length=200)
    courtesy_call_notes: str | None = Field(default=None, max_length=2000)
    # R7: a planned move-out date (the placement still ends with `end` on the day).
    planned_end_on: date | None = None
    # R22: the placement confirmation sent to the Arranging Support team.
    arranging_support_sent_on: date | None = None
    arranging_support_provider_copied: bool | None = None
    arranging_support_re_ratio_required: bool | None = None
    arranging_support_night_provision_changed: bool | None = None
    arranging_support_purchase_order_ref: str | None = Field(default=None, max_length=100)
    arranging_support_recorded_by: str | None = Field(default=None, max_length=200)
    arranging_support_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The SSDA903 return: codes given on confirm (derived where they can be) and on end.
    placement_type: str | None = Field(default=None, max_length=3)
    placement_provider: str | None = Field(default=None, max_length=3)
    reason_new_episode: str | None = Field(default=None, max_length=1)
    home_postcode: str | None = Field(default=None, max_length=8)
    placement_postcode: str | None = Field(default=None, max_length=8)
    reason_episode_ceased: str | None = Field(default=None, max_length=3)
    reason_place_change: str | None = Field(default=None, max_length=6)
