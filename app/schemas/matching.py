"""Matches (R5): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from app.schemas.common import Input, Output
from app.schemas.enums import MatchStatus

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class MatchCreate(Input):
    """Propose a provider (and, where there is one, its vacancy) for a referral."""

    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    notes: Note | None = None


class MatchActionBody(Input):
    """An optional note on a match action; declines and withdrawals keep it as `reason`."""

    reason: Note | None = None


class MatchRead(Output):
    id: uuid.UUID
    referral_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None
    person_id: uuid.UUID
    status: MatchStatus
    team: str
    notes: str | None
    reason: str | None
    accepted_at: datetime | None
    accepted_by: str | None
    placed_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
