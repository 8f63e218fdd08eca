"""Subject access and audit export (R19): one document with everything held about a
person, itself audited; the audit trail between two instants as NDJSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.services import exports
from tests.history import full_history
from tests.support import Api, assert_problem, unique_team


async def test_r19_subject_access_export_holds_every_record_of_the_flow(api: Api) -> None:
    team = unique_team()
    h = await full_history(api, team)
    worker = api.as_("practitioner", teams=[team])
    assert (await worker.get(f"/v1/people/{h.person['id']}")).status_code == 200  # a read
    admin = api.as_("admin")
    response = await admin.get(f"/v1/people/{h.person['id']}/export")
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["person_id"] == h.person["id"] and doc["person"]["id"] == h.person["id"]
    assert doc["person"]["family_name"] == h.person["family_name"]
    assert doc["exported_by"] == admin.sub
    for table, ids in h.ids().items():
        held = {row["id"] for row in doc["records"][table]}
        assert ids <= held, (table, ids - held)
    assert {d["id"] for d in doc["records"]["documents"]} == {d["id"] for d in h.documents}
    assert all("storage_key" not in d for d in doc["records"]["documents"])
    assert [r["document_id"] for r in doc["records"]["panel_booking_documents"]] == [
        h.documents[0]["id"]
    ]
    # Who changed each record and who read the person are in the audit part.
    audited = {(e["subject"]["id"], e["action"]) for e in doc["audit"]}
    assert (h.person["id"], "person.read") in audited
    assert (h.person["id"], "person.created") in audited
    changed = {subject for subject, _ in audited}
    made = h.all_ids() - {w["id"] for w in h.work}
    assert made - changed == set()
    assert {e["subject_id"] for e in doc["events"]} >= {h.referral["id"], h.placement["id"]}
    times = [(e["occurred_at"], e["id"]) for e in doc["audit"]]
    assert times == sorted(times)
    # The export is audited; a second export shows the first.
    trail = await admin.get(
        "/v1/audit", params={"subject_id": h.person["id"], "action": "person.exported"}
    )
    assert [e["actor"]["sub"] for e in trail.json()["items"]] == [admin.sub]
    again = (await admin.get(f"/v1/people/{h.person['id']}/export")).json()
    assert (h.person["id"], "person.exported") in {
        (e["subject"]["id"], e["action"]) for e in again["audit"]
    }


async def test_r19_subject_access_export_is_for_admins_only(api: Api) -> None:
    team = unique_team()
    h = await full_history(api, team)
    url = f"/v1/people/{h.person['id']}/export"
    for role in ("practitioner", "team_manager", "placements_manager", "integration"):
        assert_problem(await api.as_(role, teams=[team]).get(url), 403, "forbidden")
    assert_problem(await api.as_("practitioner", teams=[unique_team()]).get(url), 404, "not_found")


async def test_r19_audit_export_streams_ndjson_in_order_in_batches(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "BATCH", 7)  # many batches: the keyset must carry on
    start = datetime.now(UTC) - timedelta(seconds=1)
    h = await full_history(api, unique_team())
    end = datetime.now(UTC) + timedelta(seconds=1)
    admin = api.as_("admin")
    response = await admin.get(
        "/v1/audit/export", params={"from": start.isoformat(), "to": end.isoformat()}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) > 7
    keys = [(datetime.fromisoformat(e["occurred_at"]), e["id"]) for e in lines]
    assert keys == sorted(keys) and len({e["id"] for e in lines}) == len(lines)
    assert all(start <= at < end for at, _ in keys)
    subjects = {e["subject"]["id"] for e in lines}
    assert {h.person["id"], h.referral["id"], h.placement["id"]} <= subjects
    # The export itself is audited.
    trail = await admin.get("/v1/audit", params={"action": "audit.exported", "actor": admin.sub})
    assert len(trail.json()["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2026-01-01T00:00:00Z"},
        {"to": "2026-01-01T00:00:00Z"},
        {"from": "yesterday", "to": "2026-01-01T00:00:00Z"},
        {"from": "2026-01-01T00:00:00", "to": "2026-01-02T00:00:00Z"},
        {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
    ],
)
async def test_r19_audit_export_needs_a_valid_range(api: Api, params: dict[str, str]) -> None:
    response = await api.as_("admin").get("/v1/audit/export", params=params)
    assert_problem(response, 422, "validation_error")


async def test_r19_audit_export_is_for_admins_only(api: Api) -> None:
    params = {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}
    for role in ("practitioner", "placements_manager", "integration", "team_manager"):
        assert_problem(await api.as_(role).get("/v1/audit/export", params=params), 403, "forbidden")
