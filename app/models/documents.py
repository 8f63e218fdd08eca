"""Documents attached to a referral, support request or placement (content in storage)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, id_field, time_field


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    # Who may see it (app/services/common.py load_visible).
    scope_column: ClassVar[str | None] = "scope_team"

    id: uuid.UUID = id_field()
    owner_type: str = Field(max_length=30)
    owner_id: uuid.UUID = Field(index=True)
    # The team that may see it (the person's team, or the provider's for support requests).
    scope_team: str | None = Field(default=None, max_length=100)
    kind: str = Field(max_length=50)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=300)
    received_at: datetime = time_field(nullable=False)
    uploaded_by: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    # R3: quality-assured by a team manager (seed 003); a booking counts it only then.
    assured_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assured_by: str | None = Field(default=None, max_length=200)
    # Last change (upload, assurance, a transfer of its scope): `updated_since` on lists.
    updated_at: datetime = time_field(nullable=False)
