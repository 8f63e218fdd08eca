"""Matches: a referral paired with a provider (and vacancy) (R5)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field

# R5 in the database: one accepted match per referral, and one accepted match holding a
# vacancy at a time (once a placement is confirmed from it, the vacancy is filled and
# the match no longer holds it, so the vacancy can be matched again after the placement
# ends). The same predicates on SQLite and PostgreSQL.
ACCEPTED = "status = 'accepted'"
HOLDING = "status = 'accepted' AND placed_at IS NULL"


class Match(Versioned, table=True):
    __tablename__ = "matches"
    __table_args__ = (
        Index(
            "uq_matches_accepted_referral",
            "referral_id",
            unique=True,
            sqlite_where=text(ACCEPTED),
            postgresql_where=text(ACCEPTED),
        ),
        Index(
            "uq_matches_holding_vacancy",
            "vacancy_id",
            unique=True,
            sqlite_where=text(HOLDING),
            postgresql_where=text(HOLDING),
        ),
    )

    id: uuid.UUID = id_field()
    referral_id: uuid.UUID = Field(foreign_key="referrals.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="providers.id", index=True)
    vacancy_id: uuid.UUID | None = Field(default=None, foreign_key="vacancies.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="people.id")
    # The referral's team: scopes who may see the match.
    team: str = Field(max_length=100, index=True)
    status: str = Field(default="proposed", max_length=12, index=True)
    notes: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_by: str | None = Field(default=None, max_length=200)
    placed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
