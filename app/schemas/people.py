"""People: request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.domain.identifiers import is_valid_nhs_number

from app.schemas.common import BoundedDate, Cohort, Input, Output, Patch, Team, Text

System = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,49}$"), Field(description="e.g. mosaic")
]
ExternalIdValue = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


def _nhs_number(value: str) -> str:
    if not is_valid_nhs_number(value):
        raise ValueError("not a valid NHS number: its modulus 11 check digit does not match")
    return value


NhsNumber = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{10}$"),
    AfterValidator(_nhs_number),
    Field(description="10 digits, the last the modulus 11 check digit", examples=["9434765919"]),
]


class PersonFields(Input):
    preferred_name: Text | None = None
    gender: Annotated[str, StringConstraints(max_length=50)] | None = None
    ethnicity: Annotated[str, StringConstraints(max_length=100)] | None = None
    nhs_number: NhsNumber | None = None


class PersonCreate(PersonFields):
    given_name: Text
    family_name: Text
    date_of_birth: BoundedDate
    cohort: Cohort
    team: Team
    external_ids: dict[System, ExternalIdValue] = Field(default_factory=dict, max_length=20)


class PersonUpdate(PersonFields, Patch):
    """PATCH: only the fields sent change. External ids (integration and admin only) are
    linked, never unlinked."""

    clearable = frozenset({"preferred_name", "gender", "ethnicity", "nhs_number"})

    given_name: Text | None = None
    family_name: Text | None = None
    date_of_birth: BoundedDate | None = None
    cohort: Cohort | None = None
    team: Team | None = None
    external_ids: dict[System, ExternalIdValue] | None = Field(default=None, max_length=20)


class PersonUpsert(PersonFields):
    """PUT by external id: the whole record as the other system holds it. `external_ids`
    may be sent back as GET shows it: the path's id must agree, other systems' ids are
    linked too."""

    given_name: Text
    family_name: Text
    date_of_birth: BoundedDate
    cohort: Cohort
    team: Team
    external_ids: dict[System, ExternalIdValue] = Field(default_factory=dict, max_length=20)


class PersonRead(Output):
    id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str | None
    date_of_birth: date
    cohort: Cohort
    team: str
    gender: str | None
    ethnicity: str | None
    nhs_number: str | None
    external_ids: dict[str, str]
    created_at: datetime
    updated_at: datetime
    version: int
