"""R2 emergencies over HTTP: the same-day foster flow end to end, the duty tracker and its
follow-ups (work items for the placements team), and the close check."""

from __future__ import annotations

from typing import Any

from tests.pathway import (
    admission_documents,
    days_from_today,
    make_referral,
    officer,
    to_assessing,
)
from tests.support import Api, Caller, assert_problem, make_provider, unique_team


async def tracker_item(caller: Caller, referral_id: str) -> dict[str, Any] | None:
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        response = await caller.get("/v1/duty-tracker", params=params)
        assert response.status_code == 200, response.text
        for item in response.json()["items"]:
            if item["referral_id"] == referral_id:
                return dict(item)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return None


def done(item: dict[str, Any]) -> dict[str, bool]:
    return {f["kind"]: f["done"] for f in item["follow_ups"]}


async def open_work(api: Api, referral_id: str) -> list[str]:
    response = await officer(api).get(
        "/v1/work", params={"team": "placements", "subject_id": referral_id}
    )
    return sorted(item["kind"] for item in response.json()["items"])


ALL_KINDS = [
    "placement_confirmed",
    "tac_duty_alerted",
    "csw_informed",
    "funding_request_submitted",
    "courtesy_call",
    "sustainability_reviewed",
]


async def work_for(api: Api, subject_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await api.as_("admin").get("/v1/work", params={"subject_id": subject_id, **params})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_r2_emergency_foster_flow_of_seed_000_with_every_follow_up(api: Api) -> None:
    team = unique_team()
    practitioner = api.as_("practitioner", teams=[team])
    me = officer(api)
    today = days_from_today(0)

    # Submit: straight to matching, on the duty tracker, a work item for the duty officer.
    referral = await make_referral(api, team, urgency="emergency", requested_start=today)
    assert referral["status"] == "matching"
    item = await tracker_item(me, referral["id"])
    assert item is not None
    assert (item["person_id"], item["placement_id"]) == (referral["person_id"], None)
    assert item["opened_at"] == referral["submitted_at"]
    assert [f["kind"] for f in item["follow_ups"]] == ALL_KINDS
    assert set(done(item).values()) == {False}
    assert await open_work(api, referral["id"]) == ["emergency_referral"]

    # Match to a foster carer on the emergency rota, accept, confirm the same day.
    carer = await make_provider(api, service="foster_care", on_emergency_rota=True)
    proposed = await me.post(
        f"/v1/referrals/{referral['id']}/matches", json={"provider_id": carer["id"]}
    )
    assert proposed.status_code == 201, proposed.text
    match = proposed.json()
    await to_assessing(api, match["id"])
    assert (await me.post(f"/v1/matches/{match['id']}/accept")).status_code == 200
    body = {
        "referral_id": referral["id"],
        "match_id": match["id"],
        "provider_id": carer["id"],
        "start_date": days_from_today(1),
    }
    # R2: an emergency placement starts today (or the day before), never later.
    refused = await me.post("/v1/placements", json=body)
    assert_problem(refused, 422, "emergency_start_not_today", "R2")
    assert_problem(
        await me.post("/v1/placements", json={**body, "start_date": days_from_today(-2)}),
        422,
        "emergency_start_not_today",
        "R2",
    )
    confirmed = await me.post("/v1/placements", json={**body, "start_date": today})
    assert confirmed.status_code == 201, confirmed.text  # no funding needed first (R6)
    placement = confirmed.json()
    assert placement["emergency"] is True and placement["vacancy_id"] is None
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "placed"

    item = await tracker_item(me, referral["id"])
    assert item is not None and item["placement_id"] == placement["id"]
    assert [k for k, v in done(item).items() if v] == ["placement_confirmed"]
    assert await open_work(api, referral["id"]) == [
        "courtesy_call",
        "csw_informed",
        "funding_request_submitted",
        "sustainability_reviewed",
        "tac_duty_alerted",
    ]
    refused = await practitioner.post(f"/v1/referrals/{referral['id']}/close")
    assert_problem(refused, 409, "follow_ups_outstanding", "R2")

    # The TAC duty worker alerted, the child's social worker given the carer's details.
    url = f"/v1/referrals/{referral['id']}/follow-ups"
    assert_problem(
        await practitioner.post(url, json={"kind": "tac_duty_alerted"}), 403, "forbidden"
    )
    alerted = await me.post(url, json={"kind": "tac_duty_alerted", "note": "Duty worker told"})
    assert alerted.status_code == 201, alerted.text
    assert (alerted.json()["kind"], alerted.json()["done_on"]) == ("tac_duty_alerted", today)
    assert_problem(
        await me.post(url, json={"kind": "tac_duty_alerted"}), 409, "invalid_transition", "R2"
    )
    informed = await me.post(url, json={"kind": "csw_informed", "done_on": today})
    assert informed.status_code == 201, informed.text

    # The funding request, written after the placement: returned, then resubmitted.
    created = await me.post(
        "/v1/funding-requests",
        json={"referral_id": referral["id"], "weekly_cost_pence": 45_000},
    )
    assert created.status_code == 201, created.text
    request = created.json()
    assert (request["placement_id"], request["emergency"]) == (placement["id"], True)
    furl = f"/v1/funding-requests/{request['id']}"
    assert (await me.post(f"{furl}/submit")).status_code == 200
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["funding_request_submitted"] is True
    manager = api.as_("team_manager", teams=[team])
    returned = await manager.post(
        f"{furl}/decision", json={"outcome": "returned", "reason": "Add the mileage"}
    )
    assert returned.status_code == 200, returned.text
    # R2: a returned request reopens the follow-up, with a work item for its author.
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["funding_request_submitted"] is False
    authors = await work_for(api, request["id"], kind="funding_returned")
    assert [(w["assignee"], w["rule"]) for w in authors] == [({"user": me.sub}, "R6")]
    assert authors[0]["title"]
    assert (await me.patch(furl, json={"weekly_cost_pence": 47_500})).status_code == 200
    assert (await me.post(f"{furl}/submit")).status_code == 200
    assert await work_for(api, request["id"], kind="funding_returned") == []
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["funding_request_submitted"] is True
    approved = await manager.post(f"{furl}/decision", json={"outcome": "approved"})
    assert approved.status_code == 200, approved.text

    # The courtesy call.
    call = await me.post(
        f"/v1/placements/{placement['id']}/courtesy-call",
        json={"notes": "Carer settled, support line number given"},
    )
    assert call.status_code == 200, call.text
    assert call.json()["courtesy_call_on"] is not None
    again = await me.post(f"/v1/placements/{placement['id']}/courtesy-call")
    assert_problem(again, 409, "invalid_transition", "R2")
    assert_problem(
        await practitioner.post(f"/v1/referrals/{referral['id']}/close"),
        409,
        "follow_ups_outstanding",
        "R2",
    )

    # The sustainability review: sustain. Every follow-up done; the referral drops off.
    assert_problem(
        await me.post(url, json={"kind": "sustainability_reviewed"}), 422, "validation_error"
    )
    sustained = await me.post(url, json={"kind": "sustainability_reviewed", "outcome": "sustain"})
    assert sustained.status_code == 201, sustained.text
    assert sustained.json()["planned_referral_id"] is None
    assert await tracker_item(me, referral["id"]) is None
    assert await open_work(api, referral["id"]) == []

    closed = await practitioner.post(f"/v1/referrals/{referral['id']}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"


async def emergency_placed(api: Api, team: str) -> tuple[dict[str, Any], dict[str, Any]]:
    referral = await make_referral(
        api, team, urgency="emergency", requested_start=days_from_today(0)
    )
    carer = await make_provider(api, service="foster_care", on_emergency_rota=True)
    confirmed = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": carer["id"],
            # Placed out of hours last night, recorded this morning (R2, policy: 1 day).
            "start_date": days_from_today(-1),
        },
    )
    assert confirmed.status_code == 201, confirmed.text
    return referral, confirmed.json()


async def test_r2_rejected_emergency_funding_raises_work_for_placements_and_the_team(
    api: Api,
) -> None:
    team = unique_team()
    referral, _ = await emergency_placed(api, team)
    me = officer(api)
    created = await me.post(
        "/v1/funding-requests", json={"referral_id": referral["id"], "weekly_cost_pence": 90_000}
    )
    furl = f"/v1/funding-requests/{created.json()['id']}"
    assert (await me.post(f"{furl}/submit")).status_code == 200
    rejected = await api.as_("team_manager", teams=[team]).post(
        f"{furl}/decision", json={"outcome": "rejected", "reason": "Not this carer's fee"}
    )
    assert rejected.status_code == 200, rejected.text
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["funding_request_submitted"] is False
    items = await work_for(api, referral["id"], kind="funding_rejected")
    assert sorted(w["assignee"]["team"] for w in items) == sorted(["placements", team])
    assert {w["rule"] for w in items} == {"R2"}
    # A new request submitted for sign-off closes them.
    again = await me.post(
        "/v1/funding-requests", json={"referral_id": referral["id"], "weekly_cost_pence": 80_000}
    )
    assert (await me.post(f"/v1/funding-requests/{again.json()['id']}/submit")).status_code == 200
    assert await work_for(api, referral["id"], kind="funding_rejected") == []


async def test_r2_plan_move_opens_a_linked_draft_planned_referral(api: Api) -> None:
    team = unique_team()
    referral, _ = await emergency_placed(api, team)
    me = officer(api)
    reviewed = await me.post(
        f"/v1/referrals/{referral['id']}/follow-ups",
        json={"kind": "sustainability_reviewed", "outcome": "plan_move", "note": "Too far"},
    )
    assert reviewed.status_code == 201, reviewed.text
    planned_id = reviewed.json()["planned_referral_id"]
    assert planned_id is not None
    planned = (await me.get(f"/v1/referrals/{planned_id}")).json()
    assert {k: planned[k] for k in ("person_id", "urgency", "status", "previous_referral_id")} == {
        "person_id": referral["person_id"],
        "urgency": "planned",
        "status": "draft",
        "previous_referral_id": referral["id"],
    }


async def test_r2_follow_ups_only_for_emergencies(api: Api) -> None:
    planned = await make_referral(api, unique_team())
    response = await officer(api).post(
        f"/v1/referrals/{planned['id']}/follow-ups", json={"kind": "csw_informed"}
    )
    assert_problem(response, 409, "invalid_transition", "R2")


async def test_r2_r21_emergency_residential_has_admission_documents_as_a_follow_up(
    api: Api,
) -> None:
    team = unique_team()
    referral = await make_referral(api, team, urgency="emergency", service="residential")
    me = officer(api)
    home = await make_provider(api, service="residential")
    room = await me.post(f"/v1/providers/{home['id']}/vacancies", json={"label": "Room 1"})
    confirmed = await me.post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": home["id"],
            "vacancy_id": room.json()["id"],
            "start_date": days_from_today(0),
        },
    )
    assert confirmed.status_code == 201, confirmed.text  # documents after, as a follow-up
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["admission_documents"] is False
    assert "admission_documents" in await open_work(api, referral["id"])
    await admission_documents(api, team, referral["id"])
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["admission_documents"] is True


async def test_r2_emergency_placed_straight_from_matching_to_an_open_vacancy(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team, urgency="emergency")
    me = officer(api)
    home = await make_provider(api, service="residential")
    room = await me.post(f"/v1/providers/{home['id']}/vacancies", json={"label": "Room 1"})
    confirmed = await me.post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": home["id"],
            "vacancy_id": room.json()["id"],
            "start_date": days_from_today(0),
        },
    )
    assert confirmed.status_code == 201, confirmed.text
    assert (await me.get(f"/v1/vacancies/{room.json()['id']}")).json()["status"] == "filled"
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "placed"


async def test_r2_emergency_placement_without_a_match_still_needs_an_eligible_provider(
    api: Api,
) -> None:
    referral = await make_referral(api, unique_team(), urgency="emergency")
    carer = await make_provider(api, service="foster_care", on_emergency_rota=False)
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": carer["id"],
            "start_date": days_from_today(0),
        },
    )
    assert_problem(response, 409, "emergency_provider_not_eligible", "R2")


async def test_r2_duty_tracker_scope_and_planned_referrals(api: Api) -> None:
    team = unique_team()
    emergency = await make_referral(api, team, urgency="emergency")
    planned = await make_referral(api, team)
    mine = api.as_("practitioner", teams=[team])
    assert await tracker_item(mine, emergency["id"]) is not None
    assert await tracker_item(mine, planned["id"]) is None
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert await tracker_item(outsider, emergency["id"]) is None
    # A withdrawn emergency referral is no longer open: it drops off.
    await mine.post(f"/v1/referrals/{emergency['id']}/withdraw", json={"reason": "Family"})
    assert await tracker_item(officer(api), emergency["id"]) is None
