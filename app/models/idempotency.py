"""Idempotency-Key records: the first response to a POST, replayed for a retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from app.models.base import JSONType, UTCDateTime, time_field


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_keys"

    principal_sub: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=255)
    fingerprint: str = Field(max_length=64)
    state: str = Field(max_length=12)  # in_flight | done
    # The claim holding an in-flight key, and until when; a retry may take the key over
    # once the lease has run out (a process killed mid-request). Decision 0005.
    owner: str | None = Field(default=None, max_length=32)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_code: int | None = None
    headers: list[Any] | None = Field(default=None, sa_type=JSONType)
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = time_field(nullable=False, index=True)
