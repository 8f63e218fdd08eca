"""Placement support for a foster carer household (seed 001, R8): support requests.

Every row carries `team`, the foster carer's (provider's) team: it scopes who may see it;
the request's casework (`app.models.casework`) and supervisions (`app.models.supervision`)
carry it too.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field


class SupportRequest(Versioned, table=True):
    """R8: a request for a placement support worker, decided by a practice supervisor."""

    __tablename__ = "support_requests"

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="providers.id", index=True)
    team: str = Field(max_length=100, index=True)
    reason: str = Field(max_length=10_000)
    status: str = Field(default="draft", max_length=15, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = Field(default=None, max_length=200)
    allocated: bool | None = None
    allocated_on: date | None = None
    support_worker: str | None = Field(default=None, max_length=200, index=True)
    nfa_reason: str | None = Field(default=None, max_length=100)
    decision_note: str | None = Field(default=None, max_length=2000)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=200)
