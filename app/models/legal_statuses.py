"""A child's legal status history (the SSDA903 return's LS): the latest one started is in
force. Never changed or deleted: a new status is a new row."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, id_field


class LegalStatus(SQLModel, table=True):
    __tablename__ = "legal_statuses"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="people.id", index=True)
    code: str = Field(max_length=2)
    start_date: date
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=200)
