"""The work queue (R18): response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from app.schemas.common import Assignee, SubjectRef


class WorkItemRead(BaseModel):
    id: uuid.UUID
    kind: str
    rule: str
    title: str
    subject: SubjectRef
    assignee: Assignee
    due_at: datetime
    state: Literal["upcoming", "due", "overdue"]
    created_at: datetime
    closed_at: datetime | None = None
    version: int = 1
