"""Documents: response body (uploads are multipart: `file`, `kind`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from app.schemas.common import Output


class DocumentRead(Output):
    id: uuid.UUID
    owner_type: str = Field(description="referral, support_request or placement")
    owner_id: uuid.UUID
    kind: str
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="Hex SHA-256 of the content.")
    received_at: datetime
    uploaded_by: str
    description: str | None
