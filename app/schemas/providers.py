"""Providers and vacancies: request and response bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from app.schemas.common import BoundedDate, Input, Output, Patch, Team
from app.schemas.enums import Service, VacancyStatus
from app.schemas.people import ExternalIdValue, System
from app.schemas.returns import OfstedUrn

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class ProviderCreate(Input):
    name: Name
    service: Service
    team: Team
    on_emergency_rota: bool = False
    external: bool = False
    email: EmailStr | None = None
    phone: Phone | None = None
    address: Address | None = None
    active: bool = True
    ofsted_urn: OfstedUrn | None = None
    external_ids: dict[System, ExternalIdValue] = Field(
        default_factory=dict,
        max_length=20,
        description="Ids in other systems (integration and admin only), unique per system.",
    )


class ProviderUpsert(ProviderCreate):
    """PUT by external id: the provider as the other system holds it. `external_ids` may
    be sent back as GET shows it; the path's id must agree."""


class ProviderUpdate(Patch):
    clearable = frozenset({"email", "phone", "address", "ofsted_urn"})

    name: Name | None = None
    team: Team | None = None
    on_emergency_rota: bool | None = None
    external: bool | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    address: Address | None = None
    active: bool | None = None
    ofsted_urn: OfstedUrn | None = None
    external_ids: dict[System, ExternalIdValue] | None = Field(
        default=None,
        max_length=20,
        description="Ids in other systems to link (integration and admin only); a system "
        "the provider already has keeps its id.",
    )


class ProviderRead(Output):
    id: uuid.UUID
    name: str
    service: Service
    on_emergency_rota: bool
    external: bool
    team: str
    email: str | None
    phone: str | None
    address: str | None
    ofsted_urn: str | None
    active: bool
    external_ids: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime
    version: int


class VacancyCreate(Input):
    label: Label
    description: Description | None = None
    available_from: BoundedDate | None = None


class VacancyUpdate(Patch):
    clearable = frozenset({"description", "available_from"})

    label: Label | None = None
    description: Description | None = None
    available_from: BoundedDate | None = None


class VacancyRead(Output):
    id: uuid.UUID
    provider_id: uuid.UUID
    label: str
    description: str | None
    available_from: date | None
    status: VacancyStatus
    created_at: datetime
    updated_at: datetime
    version: int
