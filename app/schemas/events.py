"""The change feed: response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.schemas.common import SubjectRef


class EventRead(BaseModel):
    id: str
    type: str
    occurred_at: datetime
    subject: SubjectRef
    actor: str
    data: dict[str, Any]


class FeedHead(BaseModel):
    cursor: str = Field(
        description="Opaque: pass as `after` to `GET /v1/events` to read from this point on."
    )
