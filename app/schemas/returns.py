"""The SSDA903 return: the DfE's codes as request types (enums with their meanings in the
contract), legal statuses, and the issues list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema
from typing_extensions import TypeAliasType

from app.domain import ssda903_codes as codes
from app.domain.ssda903 import normal_postcode, upn_is_valid
from app.schemas.common import BoundedDate, Input, Output


def _in(table: dict[str, str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"not one of the SSDA903 {what} codes")
        return value

    return AfterValidator(check)


def _enum(table: dict[str, str], what: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "enum": list(table),
            "description": f"SSDA903 {what} ({codes.GUIDANCE_YEAR}): {codes.describe(table)}",
        }
    )


def _upn(value: str) -> str:
    if not upn_is_valid(value):
        raise ValueError("not a valid UPN: 13 characters with a correct check letter, or UN1-UN5")
    return value


def _postcode(value: str) -> str:
    normal = normal_postcode(value)
    if normal is None:
        raise ValueError("not a UK postcode")
    return normal


Sex = TypeAliasType("Sex", Annotated[str, _in(codes.SEX, "sex"), _enum(codes.SEX, "sex")])
Ethnicity = TypeAliasType(
    "Ethnicity",
    Annotated[
        str, _in(codes.ETHNIC, "ethnicity (ETHNIC)"), _enum(codes.ETHNIC, "ethnicity (ETHNIC)")
    ],
)
CategoryOfNeed = TypeAliasType(
    "CategoryOfNeed",
    Annotated[
        str, _in(codes.CIN, "category of need (CIN)"), _enum(codes.CIN, "category of need (CIN)")
    ],
)
LegalStatusCode = TypeAliasType(
    "LegalStatusCode",
    Annotated[str, _in(codes.LS, "legal status (LS)"), _enum(codes.LS, "legal status (LS)")],
)
PlacementType = TypeAliasType(
    "PlacementType",
    Annotated[
        str,
        _in(codes.PLACE, "placement type (PLACE)"),
        _enum(codes.PLACE, "placement type (PLACE)"),
    ],
)
PlacementProvider = TypeAliasType(
    "PlacementProvider",
    Annotated[
        str,
        _in(codes.PLACE_PROVIDER, "placement provider (PLACE_PROVIDER)"),
        _enum(codes.PLACE_PROVIDER, "placement provider (PLACE_PROVIDER)"),
    ],
)
ReasonNewEpisode = TypeAliasType(
    "ReasonNewEpisode",
    Annotated[
        str,
        _in(codes.RNE, "reason for new episode (RNE)"),
        _enum(codes.RNE, "reason for new episode (RNE)"),
    ],
)
ReasonEpisodeCeased = TypeAliasType(
    "ReasonEpisodeCeased",
    Annotated[
        str,
        _in(codes.REC, "reason episode ceased (REC)"),
        _enum(codes.REC, "reason episode ceased (REC)"),
    ],
)
ReasonPlaceChange = TypeAliasType(
    "ReasonPlaceChange",
    Annotated[
        str,
        _in(codes.REASON_PLACE_CHANGE, "reason for placement change (REASON_PLACE_CHANGE)"),
        _enum(codes.REASON_PLACE_CHANGE, "reason for placement change (REASON_PLACE_CHANGE)"),
    ],
)
Upn = Annotated[
    str,
    AfterValidator(_upn),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]|UN[1-5])$",
            "description": "Unique pupil number: 13 characters, the first a check letter "
            "(DfE algorithm), or UN1-UN5 when not known.",
        }
    ),
]
Postcode = Annotated[
    str,
    AfterValidator(_postcode),
    WithJsonSchema(
        {"type": "string", "maxLength": 8, "description": "A UK postcode, e.g. `AB1 2CD`."}
    ),
]
OfstedUrn = Annotated[
    str,
    Field(
        pattern=r"^(SC[0-9]{6}|[0-9]{6,7}|XXXXXXX)$",
        description="Ofsted unique reference number: 6-7 digits or SC + 6 digits; "
        "XXXXXXX for a setting Ofsted does not register.",
    ),
]


class LegalStatusCreate(Input):
    code: LegalStatusCode
    start_date: BoundedDate


class LegalStatusRead(Output):
    id: uuid.UUID
    person_id: uuid.UUID
    code: str
    start_date: date
    in_force: bool = Field(description="The latest status started on or before today.")
    created_at: datetime
    created_by: str


class ReturnIssue(BaseModel):
    rule: str = Field(description="The DfE validation rule number, e.g. `103`.")
    child: str = Field(description="The return's CHILD id.")
    person_id: uuid.UUID
    field: str = Field(description="The return's column, e.g. `UPN`.")
    message: str = Field(description="What to fix.")
    placement_id: uuid.UUID | None = None


class ReturnIssues(BaseModel):
    year: int
    items: list[ReturnIssue]
