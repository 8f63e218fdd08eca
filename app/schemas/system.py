"""Work items, audit entries, events and policy: response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from app.schemas.common import Assignee, Output, SubjectRef


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


class AuditEntryRead(Output):
    id: uuid.UUID
    occurred_at: datetime
    actor: dict[str, str | None]
    action: str
    subject: SubjectRef
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


class EventRead(BaseModel):
    id: str
    type: str
    occurred_at: datetime
    subject: SubjectRef
    actor: str
    data: dict[str, Any]
