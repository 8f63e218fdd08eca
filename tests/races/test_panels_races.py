"""R1/R4 panel changes under concurrency, on SQLite and PostgreSQL: one effect, never a 500."""

from __future__ import annotations

import asyncio

from tests.api.test_panels import book, london_today, make_panel, make_referral, ready
from tests.support import Api, unique_team


async def test_r4_concurrent_decisions_on_one_booking_one_wins(api: Api) -> None:
    _, me, booking = await ready(api)
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}/decision"
    outcomes = ["approved", "declined", "deferred", "approved"]
    responses = await asyncio.gather(*(chair.post(url, json={"outcome": o}) for o in outcomes))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"invalid_transition"}
    winner = next(r.json()["decision"] for r in responses if r.status_code == 200)
    referral = (await me.get(f"/v1/referrals/{booking['referral_id']}")).json()
    assert referral["status"] == ("matching" if winner == "approved" else "submitted")


async def test_r4_completing_the_last_actions_together_moves_the_referral_once(
    api: Api,
) -> None:
    _, me, booking = await ready(api)
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}"
    decided = await chair.post(
        f"{url}/decision",
        json={"outcome": "approved_with_actions", "actions": ["One", "Two", "Three"]},
    )
    ids = [a["id"] for a in decided.json()["actions"]]
    responses = await asyncio.gather(*(me.post(f"{url}/actions/{i}/complete") for i in ids))
    assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
    referral = (await me.get(f"/v1/referrals/{booking['referral_id']}")).json()
    assert referral["status"] == "matching"
    moved = await me.get("/v1/events", params={"type": "referral.status_changed"})
    assert [e["subject"]["id"] for e in moved.json()["items"] if e["data"]["to"] == "matching"] == [
        booking["referral_id"]
    ]


async def test_r1_concurrent_bookings_of_one_referral_one_wins(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    # Panels meeting today: bookable (not passed) and able to decide the deferral below.
    panels = [await make_panel(api, london_today().isoformat()) for _ in range(3)]
    responses = await asyncio.gather(
        *(
            me.post("/v1/panel-bookings", json={"referral_id": referral["id"], "panel_id": p["id"]})
            for p in panels
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409], [r.text for r in responses]
    listed = await me.get("/v1/panel-bookings", params={"referral_id": referral["id"]})
    assert len(listed.json()["items"]) == 1
    # After a deferral, a new booking works again.
    chair = api.as_("panel_member")
    only = listed.json()["items"][0]
    deferred = await chair.post(
        f"/v1/panel-bookings/{only['id']}/decision", json={"outcome": "deferred"}
    )
    assert deferred.status_code == 200, deferred.text
    assert (await book(me, referral["id"], panels[0]["id"]))["status"] == "booked"
