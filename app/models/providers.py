"""Providers of care and their vacancies."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from sqlmodel import Field

from app.models.base import Versioned, id_field


class Provider(Versioned, table=True):
    __tablename__ = "providers"
    # Its ids in other systems are rows of record_external_ids of this kind (issue 13).
    external_kind: ClassVar[str] = "provider"
    # Providers are not about a person: every role sees them, whatever their `team`.
    scope_column: ClassVar[str | None] = None

    id: uuid.UUID = id_field()
    name: str = Field(max_length=300)
    service: str = Field(max_length=30, index=True)
    on_emergency_rota: bool = Field(default=False)
    external: bool = Field(default=False)
    team: str = Field(max_length=100, index=True)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    address: str | None = Field(default=None, max_length=1000)
    active: bool = Field(default=True)
    # Ofsted's unique reference number for a registered home or agency.
    ofsted_urn: str | None = Field(default=None, max_length=20)
    search_name: str = Field(max_length=300, index=True)


class Vacancy(Versioned, table=True):
    __tablename__ = "vacancies"

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="providers.id", index=True)
    label: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    available_from: date | None = None
    status: str = Field(default="open", max_length=10, index=True)
