"""People: request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from app.domain.identifiers import is_valid_nhs_number
from app.schemas.common import BoundedDate, Input, Output, Patch, Team, Text
from app.schemas.enums import Cohort
from app.schemas.returns import CategoryOfNeed, Ethnicity, Sex, Upn

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
    # The DfE's ethnic codes (the SSDA903 return's ETHNIC), e.g. WBRI.
    ethnicity: Ethnicity | None = None
    nhs_number: NhsNumber | None = None
    # The SSDA903 return (children looked after).
    sex: Sex | None = None
    upn: Upn | None = None
    category_of_need: CategoryOfNeed | None = None
    mother: bool | None = None
    mother_child_dob: BoundedDate | None = None


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

    clearable = frozenset(
        {
            "preferred_name",
            "gender",
            "ethnicity",
            "nhs_number",
            "sex",
            "upn",
            "category_of_need",
            "mother",
            "mother_child_dob",
        }
    )

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
    sex: str | None
    upn: str | None
    category_of_need: str | None
    mother: bool | None
    mother_child_dob: date | None
    external_ids: dict[str, str]
    created_at: datetime
    updated_at: datetime
    version: int


BATCH_MAX = 500


class PersonBatchItem(PersonUpsert):
    """One item of a batch upsert: the external id in the path's system, and the person."""

    external_id: ExternalIdValue


class PersonBatch(Input):
    """`items` are checked one by one (an invalid item is reported, the others go on), so
    the body itself accepts any objects here; each is a `PersonBatchItem`."""

    items: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=BATCH_MAX,
        description="1 to 500 objects, each a PersonBatchItem.",
        examples=[
            [
                {
                    "external_id": "M123456",
                    "given_name": "Alex",
                    "family_name": "Smith",
                    "date_of_birth": "2012-05-01",
                    "cohort": "child",
                    "team": "north",
                }
            ]
        ],
    )


class BatchItemProblem(BaseModel):
    code: str
    detail: str
    errors: list[dict[str, Any]] | None = None


class PersonBatchResult(BaseModel):
    external_id: str | None = Field(description="As sent (null when the item had none).")
    status: Literal["created", "updated", "unchanged", "invalid"]
    id: uuid.UUID | None = None
    problem: BatchItemProblem | None = None


class PersonBatchResults(BaseModel):
    items: list[PersonBatchResult] = Field(description="One per item sent, in the same order.")
