"""Revision 2 of R3 and R4 over HTTP: documents quality-assured by a team manager, panel
dates that must have come (decisions) or not passed (bookings), only supported living at
a practice assurance panel, and the R18 hand-offs a booking and its decision open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.test_panels import (
    LONDON,
    REQUIRED,
    Clock,
    assure,
    book,
    booked,
    clocked,
    far_future,
    london_today,
    make_panel,
    make_referral,
    ready,
    upload,
    when,
)
from tests.pathway import make_referral as make_child_referral
from tests.pathway import officer, provider_with_vacancy
from tests.support import Api, Caller, assert_problem, unique_team

__all__ = ["clocked"]  # the fixture, imported so pytest finds it here


async def open_work(caller: Caller, **params: str) -> list[dict[str, Any]]:
    response = await caller.get("/v1/work", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# --- assurance --------------------------------------------------------------------------


async def test_r3_a_team_manager_assures_a_document_once(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    document = await upload(me, referral["id"], "risk_assessment")
    assert (document["assured_at"], document["assured_by"]) == (None, None)
    before = await me.get(f"/v1/documents/{document['id']}")
    url = f"/v1/documents/{document['id']}/assure"

    manager = api.as_("team_manager")
    assured = await manager.post(url, json={})
    assert assured.status_code == 200, assured.text
    body = assured.json()
    assert body["assured_by"] == manager.sub
    assert abs(when(body["assured_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    got = await me.get(f"/v1/documents/{document['id']}")
    assert (got.json()["assured_at"], got.json()["assured_by"]) == (
        body["assured_at"],
        manager.sub,
    )
    # The metadata changed, so its ETag did; the content's hash did not.
    assert got.headers["ETag"] != before.headers["ETag"]
    assert got.json()["sha256"] == document["sha256"]

    # Once only: the record keeps who assured it first.
    twice = await api.as_("team_manager").post(url, json={})
    assert_problem(twice, 409, "invalid_transition", rule="R3")
    assert (await me.get(f"/v1/documents/{document['id']}")).json()["assured_by"] == manager.sub

    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": document["id"]})
    assured_entries = [e for e in audit.json()["items"] if e["action"] == "document.assured"]
    assert [(e["actor"]["sub"], e["after"]["assured_by"]) for e in assured_entries] == [
        (manager.sub, manager.sub)
    ]
    events = await me.get("/v1/events", params={"type": "document.assured"})
    mine = [e for e in events.json()["items"] if e["subject"]["id"] == document["id"]]
    assert [(e["data"]["document_id"], e["data"]["kind"]) for e in mine] == [
        (document["id"], "risk_assessment")
    ]


@pytest.mark.parametrize(
    "role",
    ["practitioner", "placements_officer", "placements_manager", "panel_member", "admin"],
)
async def test_r3_only_a_team_manager_may_assure_a_document(api: Api, role: str) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    document = await upload(me, referral["id"], "care_and_support_plan")
    caller = api.as_(role, teams=[team])
    refused = await caller.post(f"/v1/documents/{document['id']}/assure", json={})
    assert_problem(refused, 403, "forbidden")
    assert (await me.get(f"/v1/documents/{document['id']}")).json()["assured_at"] is None


async def test_r3_assuring_a_document_out_of_scope_is_404(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    document = await upload(me, referral["id"], "risk_assessment")
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(
        await outsider.post(f"/v1/documents/{document['id']}/assure", json={}), 404, "not_found"
    )


# --- R3 refusals ------------------------------------------------------------------------


async def test_r3_approval_with_a_document_unassured_is_409_and_deferral_still_works(
    api: Api,
) -> None:
    team, me, booking = await booked(api, london_today().isoformat())
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}"
    plan = await upload(me, booking["referral_id"], "care_and_support_plan")
    risk = await upload(me, booking["referral_id"], "risk_assessment")
    for document in (plan, risk):
        attached = await chair.post(
            f"{url}/documents", json={"document_id": document["id"], "accept_late": True}
        )
        assert attached.status_code == 200, attached.text
    await assure(api, plan["id"])  # the risk assessment is attached but not assured
    for body in (
        {"outcome": "approved"},
        {"outcome": "approved_with_actions", "actions": ["Update the plan"]},
    ):
        refused = await chair.post(f"{url}/decision", json=body)
        problem = assert_problem(refused, 409, "panel_documents_missing", rule="R3")
        assert "risk_assessment" in problem["detail"]
    got = await me.get(url)
    assert (got.json()["status"], got.json()["missing_documents"]) == (
        "booked",
        ["risk_assessment"],
    )
    deferred = await chair.post(f"{url}/decision", json={"outcome": "deferred"})
    assert deferred.status_code == 200, deferred.text
    assert deferred.json()["decision"] == "deferred"


async def test_r3_declined_with_no_documents_at_all_is_allowed(api: Api) -> None:
    _, me, booking = await booked(api, london_today().isoformat())
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}/decision"
    assert_problem(
        await chair.post(url, json={"outcome": "approved"}), 409, "panel_documents_missing", "R3"
    )
    declined = await chair.post(url, json={"outcome": "declined"})
    assert declined.status_code == 200, declined.text
    assert (await me.get(f"/v1/referrals/{booking['referral_id']}")).json()["status"] == "submitted"


@pytest.mark.parametrize("outcome", ["approved", "deferred", "declined"])
async def test_r3_a_decision_before_the_panel_date_is_409(api: Api, outcome: str) -> None:
    _, me, booking = await booked(api, (london_today() + timedelta(days=1)).isoformat())
    refused = await api.as_("panel_member").post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": outcome}
    )
    assert_problem(refused, 409, "panel_not_yet_held", rule="R3")
    got = await me.get(f"/v1/panel-bookings/{booking['id']}")
    assert (got.json()["status"], got.json()["decision"]) == ("booked", None)


@pytest.mark.parametrize("kind", ["practice_assurance", "funding"])
async def test_r3_booking_a_panel_whose_date_has_passed_is_409(api: Api, kind: str) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    panel = await make_panel(api, (london_today() - timedelta(days=1)).isoformat(), kind=kind)
    refused = await me.post(
        "/v1/panel-bookings", json={"referral_id": referral["id"], "panel_id": panel["id"]}
    )
    assert_problem(refused, 409, "panel_date_passed", rule="R3")
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "submitted"
    listed = await me.get("/v1/panel-bookings", params={"referral_id": referral["id"]})
    assert listed.json()["items"] == []


async def test_r3_a_foster_care_referral_at_a_practice_assurance_panel_is_409(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_child_referral(api, team)  # a child, foster care
    assert referral["service"] == "foster_care"
    panel = await make_panel(api, far_future())
    refused = await me.post(
        "/v1/panel-bookings", json={"referral_id": referral["id"], "panel_id": panel["id"]}
    )
    assert_problem(refused, 409, "panel_not_applicable", rule="R3")
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "submitted"


# --- R18 hand-offs ----------------------------------------------------------------------


async def test_r3_a_booking_is_an_item_for_the_booker_to_attend_closed_by_the_decision(
    api: Api,
) -> None:
    team, me, booking = await ready(api)
    (attend,) = await open_work(me, assignee="me", kind="panel_attend")
    today = london_today()
    assert (attend["rule"], attend["subject"]["type"], attend["subject"]["id"]) == (
        "R3",
        "panel_booking",
        booking["id"],
    )
    assert attend["assignee"] == {"user": me.sub}
    assert when(attend["due_at"]) == datetime(
        today.year, today.month, today.day, 23, 59, 59, tzinfo=LONDON
    )
    assert attend["title"] == f"Attend practice assurance panel on {today.day} {today:%b %Y}"
    assert me.sub not in attend["title"] and team not in attend["title"]
    decided = await api.as_("panel_member").post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": "declined"}
    )
    assert decided.status_code == 200, decided.text
    assert await open_work(me, assignee="me", kind="panel_attend") == []


async def test_r4_a_deferral_is_an_item_for_the_booker_to_rebook_closed_by_a_new_booking(
    api: Api,
) -> None:
    team, me, booking = await ready(api)
    referral_id = booking["referral_id"]
    decided = await api.as_("panel_member").post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": "deferred"}
    )
    assert decided.status_code == 200, decided.text
    (rebook,) = await open_work(me, assignee="me", kind="panel_rebook")
    assert (rebook["rule"], rebook["subject"]["type"], rebook["subject"]["id"]) == (
        "R4",
        "referral",
        referral_id,
    )
    assert rebook["assignee"] == {"user": me.sub}
    assert rebook["title"].startswith("Rebook the practice assurance panel")
    # Declining opens none; a new booking closes it.
    panel = await make_panel(api, far_future())
    again = await book(me, referral_id, panel["id"])
    assert again["status"] == "booked"
    assert await open_work(me, assignee="me", kind="panel_rebook") == []


async def test_r4_an_approval_is_an_item_for_the_placements_team_closed_by_the_first_match(
    api: Api,
) -> None:
    team, me, booking = await ready(api)
    referral_id = booking["referral_id"]
    decided = await api.as_("panel_member").post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": "approved"}
    )
    assert decided.status_code == 200, decided.text
    placements = officer(api)
    items = await open_work(placements, kind="begin_matching", subject_id=referral_id)
    assert [(i["rule"], i["assignee"], i["subject"]["type"]) for i in items] == [
        ("R4", {"team": "placements"}, "referral")
    ]
    assert items[0]["title"].startswith("Begin matching")
    assert await open_work(me, assignee="me", kind="begin_matching") == []

    provider, vacancy = await provider_with_vacancy(api, service="supported_living")
    proposed = await placements.post(
        f"/v1/referrals/{referral_id}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    assert proposed.status_code == 201, proposed.text
    assert await open_work(placements, kind="begin_matching", subject_id=referral_id) == []


async def test_r4_with_actions_begin_matching_opens_only_when_the_last_action_is_done(
    api: Api,
) -> None:
    _, me, booking = await ready(api)
    referral_id = booking["referral_id"]
    url = f"/v1/panel-bookings/{booking['id']}"
    decided = await api.as_("panel_member").post(
        f"{url}/decision",
        json={"outcome": "approved_with_actions", "actions": ["One", "Two"]},
    )
    assert decided.status_code == 200, decided.text
    placements = officer(api)
    first, second = (a["id"] for a in decided.json()["actions"])
    assert (await me.post(f"{url}/actions/{first}/complete")).status_code == 200
    assert await open_work(placements, kind="begin_matching", subject_id=referral_id) == []
    assert (await me.post(f"{url}/actions/{second}/complete")).status_code == 200
    items = await open_work(placements, kind="begin_matching", subject_id=referral_id)
    assert [(i["rule"], i["assignee"]["team"]) for i in items] == [("R4", "placements")]


async def test_r3_r4_on_time_documents_then_approval_on_the_panel_day(
    clocked: tuple[Api, Clock],
) -> None:
    """Seed 003 steps 2-5 with a clock: booked and documents sent before the deadline
    (Mon 7 Dec 2026 for Thu 10 Dec), assured, approved on the panel day."""
    api, clock = clocked
    clock.now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    panel = await make_panel(api, "2026-12-10")
    booking = await book(me, referral["id"], panel["id"])
    assert booking["documents_due_on"] == "2026-12-07"
    url = f"/v1/panel-bookings/{booking['id']}"
    for kind in REQUIRED:
        document = await upload(me, referral["id"], kind)
        attached = await me.post(f"{url}/documents", json={"document_id": document["id"]})
        assert attached.status_code == 200, attached.text
        assert attached.json()["documents"][-1]["late"] is False
        await assure(api, document["id"])
    chair = api.as_("panel_member")
    clock.now = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # the day before
    assert_problem(
        await chair.post(f"{url}/decision", json={"outcome": "approved"}),
        409,
        "panel_not_yet_held",
        rule="R3",
    )
    clock.now = datetime(2026, 12, 10, 10, 30, tzinfo=UTC)
    decided = await chair.post(f"{url}/decision", json={"outcome": "approved"})
    assert decided.status_code == 200, decided.text
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matching"
    # The next day the panel is past: a new booking into it is refused.
    clock.now = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
    other = await make_referral(api, team)
    late = await me.post(
        "/v1/panel-bookings", json={"referral_id": other["id"], "panel_id": panel["id"]}
    )
    assert_problem(late, 409, "panel_date_passed", rule="R3")
