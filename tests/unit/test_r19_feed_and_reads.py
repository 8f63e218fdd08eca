"""R19 in one place: the shape event data may take (app/event_data.py) and the table of
person-scoped records whose reads are audited (app/read_audit.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import SQLModel

from app import models
from app.event_data import PersonalDataInEvent, checked, thin
from app.read_audit import NOT_PERSON_SCOPED, PERSON_SCOPED

ID = str(uuid.uuid4())


def test_r19_every_table_is_classified_person_scoped_or_not() -> None:
    tables = {
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and issubclass(m, SQLModel)
        and getattr(m, "__table__", None) is not None
    }
    assert tables, "no table models found"
    unclassified = sorted(m.__name__ for m in tables - set(PERSON_SCOPED) - NOT_PERSON_SCOPED)
    assert unclassified == [], (
        f"add to app/read_audit.py PERSON_SCOPED or NOT_PERSON_SCOPED: {unclassified}"
    )
    assert not set(PERSON_SCOPED) & NOT_PERSON_SCOPED


@pytest.mark.parametrize(
    "data",
    [
        {"given_name": "Alex"},
        {"date_of_birth": "2012-05-01"},
        {"nhs_number": "9434765919"},
        {"needs": "A foster home"},
        {"person_id": "M12345"},  # an id that is not ours is no id here
        {"status": "Moved to Leeds"},  # a code key holding text
        {"reason": "moved"},
        {"filename": "plan.pdf"},
        {"external": {"mosaic": "123"}},
        {"support_worker": "Jo Bloggs"},
        {"mother": True},
    ],
)
def test_r19_event_data_outside_the_thin_shape_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(PersonalDataInEvent):
        checked("person.created", data, strict=True)
    assert checked("person.created", data, strict=False) == {}


def test_r19_thin_shape_keeps_ids_codes_changes_and_facts() -> None:
    data = {
        "id": ID,
        "referral_ids": [ID],
        "from": "draft",
        "to": "submitted",
        "changed": ["given_name"],
        "emergency": True,
        "contact_count": 3,
        "start_date": "2026-12-01",
        "alerts": ["ssw-1"],
        "reason_code": "support_no_longer_required",
    }
    assert checked("referral.submitted", data, strict=True) == data


def test_r19_a_change_is_thinned_to_ids_status_and_field_names() -> None:
    before = {"id": ID, "status": "draft", "given_name": "Alex", "version": 1, "reason": "x"}
    after = {"id": ID, "status": "open", "given_name": "Jo", "version": 2, "reason": "y"}
    assert thin(before, after) == {
        "id": ID,
        "status": "open",
        "from": "draft",
        "to": "open",
        "changed": ["given_name", "reason", "status"],
    }
