"""Case notes (R10): request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.schemas.common import Input, Output
from app.schemas.enums import CaseNoteType

NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class CaseNoteCreate(Input):
    type: CaseNoteType = Field(
        description="psw_direct_work_with_child for a support worker's direct work with the "
        "child (R10): that is a case note, not a casework contact."
    )
    text: NoteText
    alerts: list[UserId] = Field(
        default_factory=list,
        max_length=50,
        description="User ids to alert: each gets a work item until they acknowledge it.",
    )


class CaseNoteRead(Output):
    id: uuid.UUID
    person_id: uuid.UUID
    type: CaseNoteType
    text: str
    alerts: list[str]
    author: str
    author_name: str | None
    created_at: datetime
