"""The audit trail (R19): who changed or read what, when, before and after."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import JSONType, id_field, time_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"
    # The audit export reads in (occurred_at, id) keyset order.
    __table_args__ = (Index("ix_audit_entries_occurred_at_id", "occurred_at", "id"),)

    id: uuid.UUID = id_field()
    occurred_at: datetime = time_field(nullable=False)
    actor_sub: str = Field(max_length=200, index=True)
    actor_name: str | None = Field(default=None, max_length=300)
    action: str = Field(max_length=100)
    subject_type: str = Field(max_length=50)
    subject_id: uuid.UUID = Field(index=True)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    request_id: str | None = Field(default=None, max_length=100)
