"""Placement support for a foster carer household (seed 001, R8, R9, R11): support
requests, casework episodes and their contacts, case supervisions.

Every row carries `team`, the foster carer's (provider's) team: it scopes who may see it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, Versioned, id_field, time_field


class SupportRequest(Versioned, table=True):
    """R8: a request for a placement support worker, decided by a practice supervisor."""

    __tablename__ = "support_requests"

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="providers.id", index=True)
    team: str = Field(max_length=100, index=True)
    reason: str = Field(max_length=10_000)
    status: str = Field(default="draft", max_length=15, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = Field(default=None, max_length=200)
    allocated: bool | None = None
    allocated_on: date | None = None
    support_worker: str | None = Field(default=None, max_length=200, index=True)
    nfa_reason: str | None = Field(default=None, max_length=100)
    decision_note: str | None = Field(default=None, max_length=2000)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=200)


class CaseworkEpisode(Versioned, table=True):
    """R9: up to 10 contacts, then the checkpoint. Locked (FOR UPDATE) while a contact is
    added, so `contact_count` is the truth even across processes."""

    __tablename__ = "casework_episodes"
    __table_args__ = (UniqueConstraint("support_request_id", "sequence"),)

    id: uuid.UUID = id_field()
    support_request_id: uuid.UUID = Field(foreign_key="support_requests.id", index=True)
    team: str = Field(max_length=100, index=True)
    support_worker: str = Field(max_length=200)
    sequence: int
    contact_count: int = Field(default=0)
    status: str = Field(default="open", max_length=15, index=True)
    previous_episode_id: uuid.UUID | None = None
    next_episode_id: uuid.UUID | None = None
    checkpoint_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    still_required: bool | None = None
    completed_by: str | None = Field(default=None, max_length=200)
    answered_by: str | None = Field(default=None, max_length=200)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CaseworkContact(SQLModel, table=True):
    """One contact with the carers or family. `number` is unique in its episode: a second
    line of defence behind the row lock."""

    __tablename__ = "casework_contacts"
    __table_args__ = (UniqueConstraint("episode_id", "number"),)

    id: uuid.UUID = id_field()
    episode_id: uuid.UUID = Field(foreign_key="casework_episodes.id", index=True)
    support_request_id: uuid.UUID = Field(foreign_key="support_requests.id", index=True)
    team: str = Field(max_length=100)
    number: int
    contact_on: date
    method: str = Field(max_length=10)
    with_whom: str = Field(max_length=500)
    summary: str = Field(max_length=10_000)
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = time_field(nullable=False)


class Supervision(Versioned, table=True):
    """R11: case supervision of a support worker's casework, every 4 or 8 weeks."""

    __tablename__ = "supervisions"

    id: uuid.UUID = id_field()
    support_request_id: uuid.UUID = Field(foreign_key="support_requests.id", index=True)
    casework_episode_id: uuid.UUID | None = Field(default=None, foreign_key="casework_episodes.id")
    team: str = Field(max_length=100, index=True)
    support_worker: str = Field(max_length=200, index=True)
    due_on: date
    status: str = Field(default="scheduled", max_length=12, index=True)
    held_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=10_000)
    recorded_by: str | None = Field(default=None, max_length=200)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    previous_supervision_id: uuid.UUID | None = None
    next_supervision_id: uuid.UUID | None = None
    cancelled_reason: str | None = Field(default=None, max_length=200)
