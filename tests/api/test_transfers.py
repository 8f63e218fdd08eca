"""A person's records follow the person (DOMAIN.md, R19): a person moved to another team
takes every record about them along, at once; the old team gets 404 and finds nothing."""

from __future__ import annotations

import uuid
from typing import Any

from tests.history import History, full_history
from tests.support import Api, Caller, assert_problem, unique_team


def single_urls(h: History) -> list[str]:
    pid = h.person["id"]
    return [
        f"/v1/people/{pid}",
        f"/v1/referrals/{h.referral['id']}",
        f"/v1/referrals/{h.emergency_referral['id']}",
        f"/v1/panel-bookings/{h.booking['id']}",
        f"/v1/matches/{h.match['id']}",
        f"/v1/funding-requests/{h.funding['id']}",
        f"/v1/placements/{h.placement['id']}",
        *(f"/v1/reviews/{r['id']}" for r in h.reviews),
        f"/v1/contact-restrictions/{h.restriction['id']}",
        f"/v1/people/{pid}/case-notes/{h.case_note['id']}",
        *(f"/v1/documents/{d['id']}" for d in h.documents),
        *(f"/v1/documents/{d['id']}/content" for d in h.documents),
        # lists under a record of the person
        f"/v1/referrals/{h.referral['id']}/matches",
        f"/v1/referrals/{h.referral['id']}/documents",
        f"/v1/placements/{h.placement['id']}/documents",
        f"/v1/placements/{h.placement['id']}/contact-restrictions",
        f"/v1/people/{pid}/case-notes",
    ]


async def listed(caller: Caller, url: str, **params: Any) -> set[str]:
    """Every id a list shows the caller, all pages."""
    out: set[str] = set()
    query: dict[str, Any] = {"limit": 200, **params}
    while True:
        response = await caller.get(url, params=query)
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        for item in body["items"]:
            out.add(item.get("referral_id") if url == "/v1/duty-tracker" else item["id"])
            if url == "/v1/events":
                out.add(item["subject"]["id"])
        if not body.get("next_cursor"):
            return out
        query["cursor"] = body["next_cursor"]


async def seen_in_lists(caller: Caller, h: History, team: str) -> set[str]:
    seen: set[str] = set()
    for url in (
        "/v1/people",
        "/v1/referrals",
        "/v1/panel-bookings",
        "/v1/funding-requests",
        "/v1/placements",
        "/v1/reviews",
        "/v1/work",
        "/v1/duty-tracker",
        "/v1/events",
    ):
        seen |= await listed(caller, url)
    seen |= await listed(caller, "/v1/work", team=team)
    return seen & h.all_ids()


async def test_person_moved_to_another_team_takes_every_record_along(api: Api) -> None:
    old, new = unique_team(), unique_team()
    h = await full_history(api, old)
    before_old = api.as_("practitioner", teams=[old])
    team_work = await listed(before_old, "/v1/work", team=old)
    assert team_work & {w["id"] for w in h.work if w["assignee"].get("team") == old}
    assert h.emergency_referral["id"] in await listed(before_old, "/v1/duty-tracker")

    mover = api.as_("practitioner", teams=[old, new])
    moved = await mover.patch(f"/v1/people/{h.person['id']}", json={"team": new})
    assert moved.status_code == 200, moved.text
    assert moved.json()["team"] == new

    old_worker = api.as_("practitioner", teams=[old])
    new_worker = api.as_("practitioner", teams=[new])
    for url in single_urls(h):
        assert_problem(await old_worker.get(url), 404, "not_found")
        got = await new_worker.get(url)
        assert got.status_code == 200, (url, got.text)

    assert await seen_in_lists(old_worker, h, old) == set()
    # The new team sees every record, every open work item about the person that is not
    # owed to one named user or to the placements team, the duty tracker and the feed.
    seen = await seen_in_lists(new_worker, h, new)
    expected = h.all_ids() - {w["id"] for w in h.work if w["closed_at"] is not None}
    # Items owed to the placements team are for placements roles only (issue 9, item 7).
    expected -= {w["id"] for w in h.work if w["assignee"].get("team") == "placements"}
    assert expected - seen == set()
    owed = await listed(new_worker, "/v1/work", team=new)
    assert {w["id"] for w in h.work if w["assignee"].get("team") == old} <= owed

    # Writes follow too: the old team can't, the new team can.
    note = {"type": "general", "text": "Moved to the new team."}
    notes_url = f"/v1/people/{h.person['id']}/case-notes"
    assert_problem(await old_worker.post(notes_url, json=note), 404, "not_found")
    assert (await new_worker.post(notes_url, json=note)).status_code == 201
    assert_problem(
        await old_worker.patch(f"/v1/referrals/{h.emergency_referral['id']}", json={}),
        404,
        "not_found",
    )


async def test_person_transferred_is_audited_and_emits_thin_event(api: Api) -> None:
    old, new = unique_team(), unique_team()
    h = await full_history(api, old)
    admin = api.as_("admin")
    response = await admin.patch(f"/v1/people/{h.person['id']}", json={"team": new})
    assert response.status_code == 200, response.text
    events = await admin.get("/v1/events", params={"type": "person.transferred", "limit": 200})
    mine = [e for e in events.json()["items"] if e["subject"]["id"] == h.person["id"]]
    assert [e["data"] for e in mine] == [{"person_id": h.person["id"], "from": old, "to": new}]
    audit = await admin.get(
        "/v1/audit", params={"subject_id": h.person["id"], "action": "person.transferred"}
    )
    entries = audit.json()["items"]
    assert len(entries) == 1
    assert entries[0]["before"] == {"team": old}
    moved = entries[0]["after"]["moved"]
    assert entries[0]["after"]["team"] == new
    assert moved["referrals"] == 2 and moved["placements"] == 1 and moved["documents"] == 2
    assert moved["case_notes"] == 1 and moved["reviews"] == len(h.reviews)
    # A PATCH that keeps the team moves nothing.
    again = await admin.patch(
        f"/v1/people/{h.person['id']}", json={"team": new, "given_name": "Sam"}
    )
    assert again.status_code == 200
    audit = await admin.get(
        "/v1/audit", params={"subject_id": h.person["id"], "action": "person.transferred"}
    )
    assert len(audit.json()["items"]) == 1


async def test_upsert_by_external_id_with_a_new_team_moves_the_records(api: Api) -> None:
    old, new = unique_team(), unique_team()
    mosaic = f"M{uuid.uuid4().hex[:10]}"
    h = await full_history(api, old, external_ids={"mosaic": mosaic})
    body = {k: h.person[k] for k in ("given_name", "family_name", "date_of_birth", "cohort")}
    moved = await api.as_("integration").put(
        f"/v1/people/external/mosaic/{mosaic}", json={**body, "team": new}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["id"] == h.person["id"] and moved.json()["team"] == new
    old_worker = api.as_("practitioner", teams=[old])
    new_worker = api.as_("practitioner", teams=[new])
    for url in single_urls(h):
        assert_problem(await old_worker.get(url), 404, "not_found")
        assert (await new_worker.get(url)).status_code == 200, url
