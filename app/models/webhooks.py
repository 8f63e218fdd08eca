"""Webhook subscriptions and their deliveries (one per webhook and event)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field

from app.models.base import BigIntType, JSONType, UTCDateTime, Versioned, id_field


class Webhook(Versioned, table=True):
    __tablename__ = "webhooks"

    id: uuid.UUID = id_field()
    url: str = Field(max_length=2000)
    # Type prefixes ("referral.") or exact types ("person.created"); empty means all.
    event_types: list[Any] = Field(default_factory=list, sa_type=JSONType)
    active: bool = Field(default=True, index=True)
    description: str | None = Field(default=None, max_length=500)
    # `whsec_<base64>`: the HMAC key. Shown once, at creation.
    secret: str = Field(max_length=200)
    # The change-feed position read so far: events after it are still to enqueue.
    last_event_seq: int = Field(default=0, sa_column=Column(BigIntType, nullable=False))


class WebhookDelivery(Versioned, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_seq"),)

    id: uuid.UUID = id_field()
    webhook_id: uuid.UUID = Field(foreign_key="webhooks.id", index=True)
    event_seq: int = Field(sa_column=Column(BigIntType, nullable=False))
    event_id: uuid.UUID
    event_type: str = Field(max_length=100)
    # pending (not tried yet), failed (will retry), succeeded, dead (gave up)
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = Field(default=0)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
