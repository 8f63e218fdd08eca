"""Idempotency-Key records: the first response to a POST, replayed for a retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from app.models.base import JSONType, time_field


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_keys"

    principal_sub: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=255)
    fingerprint: str = Field(max_length=64)
    state: str = Field(max_length=12)  # in_flight | done
    status_code: int | None = None
    headers: list[Any] | None = Field(default=None, sa_type=JSONType)
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = time_field(nullable=False, index=True)
