"""R2 emergencies over HTTP: the same-day foster flow end to end, the duty tracker and its
follow-ups (work items for the placements team), and the close check."""

from __future__ import annotations

from typing import Any

from tests.pathway import make_referral, officer, to_assessing
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


async def test_r2_emergency_foster_flow_same_day_to_closed(api: Api) -> None:
    team = unique_team()
    practitioner = api.as_("practitioner", teams=[team])
    me = officer(api)

    # Submit: straight to matching, on the duty tracker, a work item for the duty officer.
    referral = await make_referral(api, team, urgency="emergency", requested_start="2026-11-23")
    assert referral["status"] == "matching"
    item = await tracker_item(me, referral["id"])
    assert item is not None
    assert (item["person_id"], item["placement_id"]) == (referral["person_id"], None)
    assert item["opened_at"] == referral["submitted_at"]
    assert [f["kind"] for f in item["follow_ups"]] == [
        "placement_confirmed",
        "funding_request_submitted",
        "courtesy_call",
    ]
    assert done(item) == {
        "placement_confirmed": False,
        "funding_request_submitted": False,
        "courtesy_call": False,
    }
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
    confirmed = await me.post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "match_id": match["id"],
            "provider_id": carer["id"],
            "start_date": "2026-11-23",
        },
    )
    assert confirmed.status_code == 201, confirmed.text  # no funding needed first (R6)
    placement = confirmed.json()
    assert placement["emergency"] is True and placement["vacancy_id"] is None
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "placed"

    item = await tracker_item(me, referral["id"])
    assert item is not None and item["placement_id"] == placement["id"]
    assert done(item) == {
        "placement_confirmed": True,
        "funding_request_submitted": False,
        "courtesy_call": False,
    }
    assert await open_work(api, referral["id"]) == ["courtesy_call", "funding_request_submitted"]
    refused = await practitioner.post(f"/v1/referrals/{referral['id']}/close")
    assert_problem(refused, 409, "emergency_follow_ups_outstanding", "R2")

    # The funding request is written and submitted for sign-off after the placement.
    created = await me.post(
        "/v1/funding-requests",
        json={"referral_id": referral["id"], "weekly_cost_pence": 45_000},
    )
    assert created.status_code == 201, created.text
    assert created.json()["placement_id"] == placement["id"]
    assert created.json()["emergency"] is True
    submitted = await me.post(f"/v1/funding-requests/{created.json()['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    item = await tracker_item(me, referral["id"])
    assert item is not None and done(item)["funding_request_submitted"] is True
    assert await open_work(api, referral["id"]) == ["courtesy_call"]
    assert_problem(
        await practitioner.post(f"/v1/referrals/{referral['id']}/close"),
        409,
        "emergency_follow_ups_outstanding",
        "R2",
    )

    # The courtesy call: the last follow-up; the referral drops off the tracker.
    call = await me.post(
        f"/v1/placements/{placement['id']}/courtesy-call",
        json={"notes": "Carer settled, support line number given"},
    )
    assert call.status_code == 200, call.text
    assert call.json()["courtesy_call_on"] is not None
    again = await me.post(f"/v1/placements/{placement['id']}/courtesy-call")
    assert_problem(again, 409, "invalid_transition", "R2")
    assert await tracker_item(me, referral["id"]) is None
    assert await open_work(api, referral["id"]) == []

    closed = await practitioner.post(f"/v1/referrals/{referral['id']}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"


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
            "start_date": "2026-11-23",
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
            "start_date": "2026-11-23",
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
