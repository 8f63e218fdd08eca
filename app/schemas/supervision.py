"""Case supervision (R11): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import StringConstraints

from app.schemas.common import BoundedDate, Input, Output
from app.schemas.enums import MeetingStatus, SupervisionOutcome

SupervisionStatus = MeetingStatus


class SupervisionRecord(Input):
    held_on: BoundedDate
    outcome: SupervisionOutcome
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] | None = None


class SupervisionRead(Output):
    id: uuid.UUID
    support_request_id: uuid.UUID
    casework_episode_id: uuid.UUID | None
    team: str
    support_worker: str
    due_on: date
    status: SupervisionStatus
    held_on: date | None
    outcome: SupervisionOutcome | None
    notes: str | None
    recorded_by: str | None
    recorded_at: datetime | None
    previous_supervision_id: uuid.UUID | None
    next_supervision_id: uuid.UUID | None
    cancelled_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int
