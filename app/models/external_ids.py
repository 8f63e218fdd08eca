"""External ids of records other than people (providers, referrals, placements): the id
a record has in another system, unique per kind and system."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import id_field, time_field


class RecordExternalId(SQLModel, table=True):
    __tablename__ = "record_external_ids"
    __table_args__ = (UniqueConstraint("kind", "system", "external_id"),)

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=30)  # provider, referral, placement
    record_id: uuid.UUID = Field(index=True)
    system: str = Field(max_length=50)
    external_id: str = Field(max_length=200)
    created_by: str = Field(max_length=200)
    created_at: datetime = time_field(nullable=False)
