"""Documents: response body (uploads are multipart: `file`, `kind`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from app.schemas.common import Input, Output


class AssureBody(Input):
    """`{}`: the team manager quality-assuring is the caller (R3)."""


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
    assured_at: datetime | None = Field(
        description="When a team manager quality-assured it (R3); null until then."
    )
    assured_by: str | None = Field(description="Who quality-assured it (R3).")
    updated_at: datetime = Field(
        description="Its last change (upload, assurance): what `updated_since` compares."
    )
