"""Work items (R18): every deadline, owed by a user or a team, until closed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, id_field, time_field


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_items"

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=60)
    rule: str = Field(max_length=10, index=True)
    title: str = Field(max_length=300)
    subject_type: str = Field(max_length=50)
    subject_id: uuid.UUID = Field(index=True)
    assignee_user: str | None = Field(default=None, max_length=200, index=True)
    assignee_team: str | None = Field(default=None, max_length=100, index=True)
    # The team whose people the subject concerns: scopes who may see the item.
    scope_team: str | None = Field(default=None, max_length=100)
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = time_field(nullable=False)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    closed_by: str | None = Field(default=None, max_length=200)
    closed_reason: str | None = Field(default=None, max_length=100)
