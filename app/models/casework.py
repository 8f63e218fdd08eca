"""Casework for an allocated support request (R9): episodes of up to 10 contacts, then the
checkpoint. Rows carry the foster carer's `team`, which scopes who may see them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, Versioned, id_field, time_field


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
