"""R10 case notes: typed notes on a person's record, with alerts to named workers.

Direct work with the child is a case note of type `psw_direct_work_with_child`, not a
casework contact (seed 001). Notes are never changed or deleted (R19).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import JSONType, id_field, time_field


class CaseNote(SQLModel, table=True):
    __tablename__ = "case_notes"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="people.id", index=True)
    # The person's team when written: scopes who may see it.
    team: str = Field(max_length=100, index=True)
    type: str = Field(max_length=40)
    text: str = Field(max_length=20_000)
    alerts: list[str] = Field(default_factory=list, sa_type=JSONType)
    author: str = Field(max_length=200)
    author_name: str | None = Field(default=None, max_length=300)
    created_at: datetime = time_field(nullable=False)
