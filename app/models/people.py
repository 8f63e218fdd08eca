"""People: the child, young person or adult a placement is for."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from app.models.base import Versioned, id_field


class Person(Versioned, table=True):
    __tablename__ = "people"
    # A team's keyset pages (0031_perf_indexes).
    __table_args__ = (Index("ix_people_team_id", "team", "id"),)

    id: uuid.UUID = id_field()
    given_name: str = Field(max_length=200)
    family_name: str = Field(max_length=200)
    preferred_name: str | None = Field(default=None, max_length=200)
    date_of_birth: date
    cohort: str = Field(max_length=10, index=True)
    team: str = Field(max_length=100, index=True)
    gender: str | None = Field(default=None, max_length=50)
    ethnicity: str | None = Field(default=None, max_length=100)
    nhs_number: str | None = Field(default=None, max_length=10)
    # The SSDA903 return (children looked after): DfE codes.
    sex: str | None = Field(default=None, max_length=1)
    upn: str | None = Field(default=None, max_length=13)
    category_of_need: str | None = Field(default=None, max_length=2)
    mother: bool | None = None
    mother_child_dob: date | None = None
    # The return's CHILD: derived from the id (app.domain.ssda903.child_ref), stored on
    # the first export so that it never changes.
    child_ref: str | None = Field(default=None, max_length=10, unique=True)
    # Lower-cased "given family" for the `q` filter, kept in step by the service.
    search_name: str = Field(max_length=401, index=True)


class ExternalId(Versioned, table=True):
    """An id of the person in another system (e.g. Mosaic); unique per system."""

    __tablename__ = "external_ids"
    __table_args__ = (UniqueConstraint("system", "external_id"),)

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="people.id", index=True)
    system: str = Field(max_length=50)
    external_id: str = Field(max_length=200)
