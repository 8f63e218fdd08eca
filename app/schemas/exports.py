"""Subject access export (UK GDPR art. 15, R19): everything held about one person."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class PersonExport(BaseModel):
    person_id: uuid.UUID
    exported_at: datetime
    exported_by: str
    person: dict[str, Any] = Field(description="The person's record as held.")
    external_ids: list[dict[str, Any]]
    records: dict[str, list[dict[str, Any]]] = Field(
        description=(
            "Every record about the person, by table: referrals, panel_bookings, matches, "
            "funding_requests, placements, reviews, contact_restrictions, case_notes, "
            "panel_actions, panel_booking_documents, documents (metadata only), work_items."
        )
    )
    events: list[dict[str, Any]] = Field(description="Feed events about any of these records.")
    audit: list[dict[str, Any]] = Field(
        description="Who read or changed the person or any of these records, in order."
    )
