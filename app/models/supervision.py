"""Case supervision of a support worker's casework (R11). Rows carry the foster carer's
`team`, which scopes who may see them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from app.models.base import UTCDateTime, Versioned, id_field


class Supervision(Versioned, table=True):
    """R11: case supervision of a support worker's casework, every 4 or 8 weeks."""

    __tablename__ = "supervisions"

    id: uuid.UUID = id_field()
    support_request_id: uuid.UUID = Field(foreign_key="support_requests.id", index=True)
    casework_episode_id: uuid.UUID | None = Field(default=None, foreign_key="casework_episodes.id")
    team: str = Field(max_length=100, index=True)
    support_worker: str = Field(max_length=200, index=True)
    due_on: date
    status: str = Field(default="scheduled", max_length=12, index=True)
    held_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=10_000)
    recorded_by: str | None = Field(default=None, max_length=200)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    previous_supervision_id: uuid.UUID | None = None
    next_supervision_id: uuid.UUID | None = None
    cancelled_reason: str | None = Field(default=None, max_length=200)
