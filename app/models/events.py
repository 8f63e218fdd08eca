"""The change feed: events written in the same transaction as the change.

`seq` is assigned from a one-row counter locked at the end of the writing
transaction, so `seq` order is commit order and a reader never skips an event
that commits late.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from app.models.base import BigIntType, JSONType, time_field


class EventCounter(SQLModel, table=True):
    __tablename__ = "event_counter"

    id: int = Field(primary_key=True)
    value: int = Field(sa_column=Column(BigIntType, nullable=False))


class Event(SQLModel, table=True):
    __tablename__ = "events"

    seq: int = Field(sa_column=Column(BigIntType, primary_key=True, autoincrement=False))
    id: uuid.UUID = Field(unique=True)
    type: str = Field(max_length=100, index=True)
    occurred_at: datetime = time_field(nullable=False)
    subject_type: str = Field(max_length=50)
    subject_id: uuid.UUID = Field(index=True)
    actor_sub: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
