"""R15: a held review's actions (each owed by its owner) and participants (each sent the
record: a user acknowledges it, anyone else is sent it by the review's author)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, id_field


class ReviewAction(SQLModel, table=True):
    __tablename__ = "review_actions"

    id: uuid.UUID = id_field()
    review_id: uuid.UUID = Field(foreign_key="reviews.id", index=True)
    team: str = Field(max_length=100, index=True)
    description: str = Field(max_length=10_000)
    owner: str = Field(max_length=200, index=True)
    due_on: date
    work_item_id: uuid.UUID | None = Field(default=None)
    done: bool = Field(default=False)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=10_000)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ReviewParticipant(SQLModel, table=True):
    __tablename__ = "review_participants"

    id: uuid.UUID = id_field()
    review_id: uuid.UUID = Field(foreign_key="reviews.id", index=True)
    team: str = Field(max_length=100, index=True)
    user_id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    format: str | None = Field(default=None, max_length=20)
    work_item_id: uuid.UUID | None = Field(default=None)
    sent_on: date | None = Field(default=None)
    sent_format: str | None = Field(default=None, max_length=20)
    sent_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
