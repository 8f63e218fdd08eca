"""The event catalogue (app/event_catalogue.py): under strict mode (the test suite) an
uncatalogued type or data that does not fit its type's schema raises, so every test that
emits an event checks the catalogue; in production the declared keys are kept, never a 500.
The contract's `webhooks` section has one entry per type."""

from __future__ import annotations

import uuid

import pytest

from app.event_catalogue import CATALOGUE, EventNotInCatalogue, conformed
from app.event_contract import add_events

PID = uuid.UUID("01900000-0000-7000-8000-000000000001")


def test_data_takes_its_types_shape_with_the_subjects_id() -> None:
    assert conformed("person.created", "person", PID, {"cohort": "child"}, strict=True) == {
        "person_id": str(PID),
        "cohort": "child",
        "system": None,
    }


@pytest.mark.parametrize(
    ("type_", "data"),
    [
        ("person.renamed", {}),  # not catalogued
        ("person.created", {"cohort": "child", "given_name": "Sam"}),  # an extra key
        ("person.created", {}),  # a key missing
        ("person.created", {"cohort": "grown-up"}),  # not one of its values
    ],
)
def test_strict_refuses_what_the_catalogue_does_not_say(type_: str, data: dict[str, str]) -> None:
    with pytest.raises(EventNotInCatalogue):
        conformed(type_, "person", PID, data, strict=True)


def test_production_keeps_the_declared_keys_and_never_raises() -> None:
    kept = conformed("person.created", "person", PID, {"cohort": "child", "x": 1}, strict=False)
    assert kept == {"person_id": str(PID), "cohort": "child"}


def test_a_type_is_named_by_its_subject() -> None:
    for name, entry in CATALOGUE.items():
        assert name.split(".")[0] == entry.subject
        assert f"{entry.subject}_id" in entry.data.model_fields


def test_webhooks_section_has_one_signed_entry_per_type() -> None:
    doc: dict[str, object] = {}
    add_events(doc)
    hooks = doc["webhooks"]
    assert isinstance(hooks, dict) and set(hooks) == set(CATALOGUE)
    post = hooks["referral.submitted"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["type"]["const"] == "referral.submitted"
    assert body["properties"]["data"]["$ref"].endswith("/ReferralSubmittedData")
    refs = {p["$ref"].rsplit("/", 1)[1] for p in post["parameters"]}
    assert refs == {"WebhookId", "WebhookTimestamp", "WebhookSignature"}
    assert "200" in post["responses"]
