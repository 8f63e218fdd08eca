"""The audit trail (R19): response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.schemas.common import Output, SubjectRef


class AuditEntryRead(Output):
    id: uuid.UUID
    occurred_at: datetime
    actor: dict[str, str | None]
    action: str
    subject: SubjectRef
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
