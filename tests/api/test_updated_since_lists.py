"""`updated_since` on the lists of records that change (API.md revision 2, issue 13):
documents (uploaded, assured), work items (opened, reassigned, acknowledged or closed)
and the duty tracker (its referral or a follow-up changed). A record changed at or after
the instant is listed; one not changed since is not."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tests.api.test_work_queue import open_item
from tests.pathway import days_from_today, make_referral, officer, upload_document
from tests.support import Api, Caller, assert_problem, unique_team


async def _ids(caller: Caller, path: str, **params: Any) -> list[str]:
    response = await caller.get(path, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [item.get("id") or item["referral_id"] for item in response.json()["items"]]


async def test_updated_since_on_a_referrals_documents_lists_uploads_and_assurances(
    api: Api,
) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    me = api.as_("practitioner", teams=[team])
    path = f"/v1/referrals/{referral['id']}/documents"
    old = await upload_document(api, team, referral["id"], "cla_care_plan")
    new = await upload_document(api, team, referral["id"], "risk_assessment")
    assert new["updated_at"] == new["received_at"]
    assert await _ids(me, path) == [old["id"], new["id"]]
    assert await _ids(me, path, updated_since=new["updated_at"]) == [new["id"]]

    assured = await api.as_("team_manager", teams=[team]).post(
        f"/v1/documents/{old['id']}/assure", json={}
    )
    assert assured.status_code == 200, assured.text
    since = assured.json()["updated_at"]
    assert since == assured.json()["assured_at"] and since > new["updated_at"]
    assert await _ids(me, path, updated_since=since) == [old["id"]]
    # `kind` and `updated_since` narrow together; any offset is the same instant
    assert await _ids(me, path, updated_since=since, kind="risk_assessment") == []
    assert await _ids(me, path, updated_since="2000-01-01T01:00:00+01:00") == [
        old["id"],
        new["id"],
    ]
    assert_problem(
        await me.get(path, params={"updated_since": "2026-01-31"}), 422, "validation_error"
    )


async def test_every_owners_documents_list_declares_updated_since(api: Api) -> None:
    spec = api.app.openapi()
    for owner in ("referrals", "placements", "support-requests"):
        get = spec["paths"][f"/v1/{owner}/{{owner_id}}/documents"]["get"]
        assert "updated_since" in {p["name"] for p in get["parameters"]}, owner


async def test_updated_since_on_work_lists_items_opened_reassigned_or_closed_since(
    api: Api,
) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    now = datetime.now(UTC)
    moved = await open_item(api, due_at=now, user=me.sub, scope_team=team)
    closed = await open_item(
        api, due_at=now, kind="case_note_alert", rule="R10", user=me.sub, scope_team=team
    )
    untouched = await open_item(api, due_at=now, user=me.sub, scope_team=team)
    items = {i["id"]: i for i in (await me.get("/v1/work", params={"limit": 200})).json()["items"]}
    assert {moved["id"], closed["id"], untouched["id"]} <= set(items)
    since = items[untouched["id"]]["updated_at"]
    assert since == items[untouched["id"]]["created_at"]
    assert await _ids(me, "/v1/work", updated_since=since) == [untouched["id"]]

    assigned = await api.as_("team_manager", teams=[team]).post(
        f"/v1/work/{moved['id']}/assign", json={"team": team}
    )
    assert assigned.status_code == 200, assigned.text
    since = assigned.json()["updated_at"]
    assert since > items[untouched["id"]]["updated_at"]
    assert await _ids(me, "/v1/work", updated_since=since) == [moved["id"]]

    acknowledged = await me.post(f"/v1/work/{closed['id']}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    since = acknowledged.json()["updated_at"]
    assert since == acknowledged.json()["closed_at"]
    # A closed item leaves the queue, but a mirror asking for changes learns of it.
    assert closed["id"] not in await _ids(me, "/v1/work")
    changed = (await me.get("/v1/work", params={"updated_since": since})).json()["items"]
    assert [(i["id"], i["closed_at"]) for i in changed] == [(closed["id"], since)]
    # other filters still apply
    assert await _ids(me, "/v1/work", updated_since=since, kind="panel_documents_due") == []
    assert_problem(
        await me.get("/v1/work", params={"updated_since": "yesterday"}), 422, "validation_error"
    )


async def test_updated_since_on_the_duty_tracker_follows_its_referral_and_follow_ups(
    api: Api,
) -> None:
    team = unique_team()
    me = officer(api)
    first = await make_referral(api, team, urgency="emergency", requested_start=days_from_today(0))
    second = await make_referral(api, team, urgency="emergency", requested_start=days_from_today(0))
    tracked = await _ids(me, "/v1/duty-tracker")
    assert {first["id"], second["id"]} <= set(tracked)
    assert await _ids(me, "/v1/duty-tracker", updated_since=second["updated_at"]) == [second["id"]]

    recorded = await me.post(
        f"/v1/referrals/{first['id']}/follow-ups", json={"kind": "tac_duty_alerted"}
    )
    assert recorded.status_code == 201, recorded.text
    since = recorded.json()["recorded_at"]
    assert await _ids(me, "/v1/duty-tracker", updated_since=since) == [first["id"]]
    assert await _ids(me, "/v1/duty-tracker", updated_since="2999-01-01T00:00:00Z") == []


async def test_a_transfer_changes_the_persons_documents_and_work_items(api: Api) -> None:
    """A person's records follow the person (decision 0010): their documents and work
    items move to the new team, and that is a change `updated_since` finds."""
    team, other = unique_team(), unique_team()
    referral = await make_referral(api, team)
    document = await upload_document(api, team, referral["id"], "cla_care_plan")
    item = await open_item(
        api,
        due_at=datetime.now(UTC),
        user="someone",
        scope_team=team,
        subject_id=uuid.UUID(referral["id"]),
    )
    moved = await api.as_("practitioner", teams=[team, other]).patch(
        f"/v1/people/{referral['person_id']}", json={"team": other}
    )
    assert moved.status_code == 200, moved.text
    since = moved.json()["updated_at"]
    newcomer = api.as_("team_manager", teams=[other])
    path = f"/v1/referrals/{referral['id']}/documents"
    assert await _ids(newcomer, path, updated_since=since) == [document["id"]]
    # Narrowed to the referral: a team manager sees every team's items, and other tests'
    # items (made with their clocks moved forward) carry later updated_at values.
    moved_items = await _ids(newcomer, "/v1/work", updated_since=since, subject_id=referral["id"])
    assert moved_items == [item["id"]]


# Paged lists without `updated_since`: their records never change (the feed, the audit
# trail, casework contacts, case notes and legal statuses are recorded, never edited).
NEVER_CHANGE = {
    "/v1/audit",
    "/v1/events",
    "/v1/casework-episodes/{episode_id}/contacts",
    "/v1/people/{person_id}/case-notes",
    "/v1/people/{person_id}/legal-statuses",
}


async def test_every_paged_list_of_records_that_change_takes_updated_since(api: Api) -> None:
    """A new list must take `updated_since`, or be named here as one whose records never
    change."""
    lacking = set()
    for path, ops in api.app.openapi()["paths"].items():
        names = {p["name"] for p in ops.get("get", {}).get("parameters", [])}
        if names & {"cursor", "after"} and "updated_since" not in names:
            lacking.add(path)
    assert lacking == NEVER_CHANGE
