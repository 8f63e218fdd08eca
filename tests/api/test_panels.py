"""Panels and panel bookings over HTTP: R3 document deadline, R4 decisions and actions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.auth import Principal
from app.context import Context
from app.domain.panels import PanelActionsOutstanding
from app.main import create_app
from app.services.panel_decisions import ensure_no_outstanding_actions, outstanding_actions
from tests import pathway
from tests.conftest import Backend, settings_for
from tests.support import Api, Caller, RecordingTransport, assert_problem, make_person, unique_team

LONDON = ZoneInfo("Europe/London")
REQUIRED = ["care_and_support_plan", "risk_assessment"]


class Clock:
    """A clock a test sets: `clock.now = ...`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def clocked(backend: Backend) -> AsyncIterator[tuple[Api, Clock]]:
    """An app on the same database whose clock the test sets (R3 dates: book before the
    deadline, decide on the panel day)."""
    clock = Clock(datetime.now(UTC))
    app = create_app(settings_for(backend), clock=clock, schema=backend.schema)
    transport = RecordingTransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http, app), clock
    await app.state.engine.dispose()


def london_today() -> date:
    return datetime.now(LONDON).date()


def far_future() -> str:
    """A panel whose R3 deadline is weeks away."""
    return (london_today() + timedelta(days=70)).isoformat()


async def make_panel(api: Api, day: str, kind: str = "practice_assurance") -> dict[str, Any]:
    officer = api.as_("placements_officer")
    response = await officer.post("/v1/panels", json={"kind": kind, "date": day})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_referral(
    api: Api, team: str, *, submit: bool = True, service: str = "supported_living"
) -> dict[str, Any]:
    person = await make_person(api, team, cohort="adult", date_of_birth="1990-02-03")
    me = api.as_("practitioner", teams=[team])
    response = await me.post(
        "/v1/referrals",
        json={
            "person_id": person["id"],
            "urgency": "planned",
            "service": service,
            "needs": "Supported living tenancy with 20 hours of support.",
            "requested_start": "2027-03-01",
        },
    )
    assert response.status_code == 201, response.text
    referral = dict(response.json())
    if submit:
        submitted = await me.post(f"/v1/referrals/{referral['id']}/submit")
        assert submitted.status_code == 200, submitted.text
        referral = dict(submitted.json())
    return referral


async def upload(caller: Caller, referral_id: str, kind: str) -> dict[str, Any]:
    response = await caller.post(
        f"/v1/referrals/{referral_id}/documents",
        files={"file": (f"{kind}.pdf", b"%PDF-1.4 " + kind.encode(), "application/pdf")},
        data={"kind": kind},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def book(caller: Caller, referral_id: str, panel_id: str) -> dict[str, Any]:
    response = await caller.post(
        "/v1/panel-bookings", json={"referral_id": referral_id, "panel_id": panel_id}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def referral_status(caller: Caller, referral_id: str) -> str:
    response = await caller.get(f"/v1/referrals/{referral_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def booked(api: Api, day: str | None = None) -> tuple[str, Caller, dict[str, Any]]:
    """A submitted supported-living referral booked into a practice assurance panel."""
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    panel = await make_panel(api, day or far_future())
    return team, me, await book(me, referral["id"], panel["id"])


async def assure(api: Api, document_id: str) -> dict[str, Any]:
    """A team manager quality-assures a document (R3)."""
    response = await api.as_("team_manager").post(f"/v1/documents/{document_id}/assure", json={})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def ready(api: Api) -> tuple[str, Caller, dict[str, Any]]:
    """A booking the panel may approve today (R3): its panel meets today, and its required
    documents are attached (late, as today's deadline has passed, so accepted by the chair)
    and quality-assured by a team manager."""
    team, me, booking = await booked(api, london_today().isoformat())
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}/documents"
    for kind in REQUIRED:
        document = await upload(me, booking["referral_id"], kind)
        attached = await chair.post(url, json={"document_id": document["id"], "accept_late": True})
        assert attached.status_code == 200, attached.text
        await assure(api, document["id"])
    got = await me.get(f"/v1/panel-bookings/{booking['id']}")
    assert got.json()["missing_documents"] == [], got.text
    return team, me, dict(got.json())


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- panels -----------------------------------------------------------------------------


async def test_panels_create_get_list_and_roles(api: Api) -> None:
    member = api.as_("panel_member")
    day = (london_today() + timedelta(days=3650 + uuid.uuid4().int % 300)).isoformat()
    response = await member.post(
        "/v1/panels",
        json={"kind": "funding", "date": day, "location": "County Hall, room 4"},
    )
    assert response.status_code == 201, response.text
    panel = response.json()
    assert response.headers["Location"].endswith(f"/v1/panels/{panel['id']}")
    assert (panel["kind"], panel["date"], panel["location"]) == (
        "funding",
        day,
        "County Hall, room 4",
    )

    anyone = api.as_("support_worker", teams=[unique_team()])
    got = await anyone.get(f"/v1/panels/{panel['id']}")
    assert got.status_code == 200 and got.json() == panel
    assert got.headers["ETag"] == f'"{panel["version"]}"'

    listed = await anyone.get("/v1/panels", params={"kind": "funding", "from": day, "to": day})
    assert [p["id"] for p in listed.json()["items"]] == [panel["id"]]
    other_kind = await anyone.get(
        "/v1/panels", params={"kind": "practice_assurance", "from": day, "to": day}
    )
    assert other_kind.json()["items"] == []

    practitioner = api.as_("practitioner", teams=[unique_team()])
    refused = await practitioner.post("/v1/panels", json={"kind": "funding", "date": day})
    assert_problem(refused, 403, "forbidden")
    bad = await member.post("/v1/panels", json={"kind": "weekly", "date": day})
    assert_problem(bad, 422, "validation_error")
    assert_problem(await anyone.get(f"/v1/panels/{uuid.uuid4()}"), 404, "not_found")
    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": panel["id"]})
    assert [(e["action"], e["actor"]["sub"]) for e in audit.json()["items"]] == [
        ("panel.created", member.sub)
    ]


# --- bookings and R3 --------------------------------------------------------------------


async def test_r3_practice_assurance_booking_moves_referral_and_pins_deadline_in_bst(
    clocked: tuple[Api, Clock],
) -> None:
    api, clock = clocked
    clock.now = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    # Panel Wed 14 Jul 2027 (BST): due Fri 9 Jul 2027, 23:59:59 London = 22:59:59 UTC.
    panel = await make_panel(api, "2027-07-14")
    response = await me.post(
        "/v1/panel-bookings", json={"referral_id": referral["id"], "panel_id": panel["id"]}
    )
    assert response.status_code == 201, response.text
    booking = response.json()
    assert response.headers["Location"].endswith(f"/v1/panel-bookings/{booking['id']}")
    assert booking["status"] == "booked" and booking["decision"] is None
    assert booking["documents_due_on"] == "2027-07-09"
    assert booking["documents_due_at"] == "2027-07-09T23:59:59+01:00"
    assert when(booking["documents_due_at"]) == datetime(2027, 7, 9, 23, 59, 59, tzinfo=LONDON)
    assert when(booking["documents_due_at"]).astimezone(LONDON).utcoffset() == timedelta(hours=1)
    assert booking["missing_documents"] == ["care_and_support_plan", "risk_assessment"]
    assert booking["actions"] == [] and booking["documents"] == []
    assert await referral_status(me, referral["id"]) == "panel"

    got = await me.get(f"/v1/panel-bookings/{booking['id']}")
    assert got.status_code == 200 and got.json() == booking
    assert got.headers["ETag"] == f'"{booking["version"]}"'

    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    items = {i["kind"]: i for i in work.json()["items"]}
    assert sorted((k, i["rule"], i["assignee"]["user"]) for k, i in items.items()) == [
        ("panel_attend", "R3", me.sub),
        ("panel_documents_due", "R3", me.sub),
    ]
    assert when(items["panel_documents_due"]["due_at"]) == when(booking["documents_due_at"])
    # R3/R18: attending is due at the end of the panel day, London time (BST here).
    assert when(items["panel_attend"]["due_at"]) == datetime(2027, 7, 14, 23, 59, 59, tzinfo=LONDON)
    assert items["panel_attend"]["title"] == "Attend practice assurance panel on 14 Jul 2027"

    events = await me.get("/v1/events", params={"type": "panel_booking."})
    assert [(e["type"], e["subject"]["id"]) for e in events.json()["items"]] == [
        ("panel_booking.created", booking["id"])
    ]
    moved = await me.get("/v1/events", params={"type": "referral.status_changed"})
    assert [
        (e["subject"]["id"], e["data"]["to"])
        for e in moved.json()["items"]
        if e["subject"]["id"] == referral["id"]
    ] == [(referral["id"], "panel")]


async def test_r3_deadline_in_gmt_over_christmas_and_new_year(
    clocked: tuple[Api, Clock],
) -> None:
    api, clock = clocked
    clock.now = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
    _, _, booking = await booked(api, "2026-01-02")
    assert booking["documents_due_on"] == "2025-12-29"
    assert booking["documents_due_at"] == "2025-12-29T23:59:59Z"
    assert when(booking["documents_due_at"]) == datetime(2025, 12, 29, 23, 59, 59, tzinfo=LONDON)
    assert when(booking["documents_due_at"]).astimezone(LONDON).utcoffset() == timedelta(0)


async def test_r3_missing_documents_shrink_as_documents_are_attached_and_assured(
    api: Api,
) -> None:
    team, me, booking = await booked(api)
    url = f"/v1/panel-bookings/{booking['id']}"
    referral_id = booking["referral_id"]
    risk = await upload(me, referral_id, "risk_assessment")
    plan = await upload(me, referral_id, "care_and_support_plan")
    other = await upload(me, referral_id, "other")
    # Uploaded to the referral is not attached to the booking: still both missing.
    got = await me.get(url)
    assert got.json()["missing_documents"] == REQUIRED

    stale = await me.post(
        f"{url}/documents", json={"document_id": risk["id"]}, headers={"If-Match": '"999"'}
    )
    assert_problem(stale, 412, "precondition_failed")

    first = await me.post(
        f"{url}/documents",
        json={"document_id": risk["id"]},
        headers={"If-Match": got.headers["ETag"]},
    )
    assert first.status_code == 200, first.text
    # Attached but not yet quality-assured: it does not count yet (R3, seed 003).
    assert first.json()["missing_documents"] == REQUIRED
    assert first.headers["ETag"] != got.headers["ETag"]
    attached = first.json()["documents"]
    assert [
        (d["document_id"], d["kind"], d["late"], d["accepted_late_by"], d["assured"])
        for d in attached
    ] == [(risk["id"], "risk_assessment", False, None, False)]
    await assure(api, risk["id"])
    assured = (await me.get(url)).json()
    assert assured["missing_documents"] == ["care_and_support_plan"]
    assert [d["assured"] for d in assured["documents"]] == [True]
    again = await me.post(f"{url}/documents", json={"document_id": risk["id"]})
    assert_problem(again, 409, "document_already_attached")

    extra = await me.post(f"{url}/documents", json={"document_id": other["id"]})
    assert extra.json()["missing_documents"] == ["care_and_support_plan"]
    last = await me.post(f"{url}/documents", json={"document_id": plan["id"]})
    assert last.json()["missing_documents"] == ["care_and_support_plan"]
    assert len(last.json()["documents"]) == 3
    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    assert sorted(i["kind"] for i in work.json()["items"]) == [
        "panel_attend",
        "panel_documents_due",
    ]
    # The last assurance completes the documents: the "documents due" item closes.
    await assure(api, plan["id"])
    assert (await me.get(url)).json()["missing_documents"] == []
    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    assert [i["kind"] for i in work.json()["items"]] == ["panel_attend"]

    # A document of another referral cannot be attached.
    elsewhere = await make_referral(api, team)
    foreign = await upload(me, elsewhere["id"], "risk_assessment")
    refused = await me.post(f"{url}/documents", json={"document_id": foreign["id"]})
    assert_problem(refused, 422, "validation_error")


async def test_r3_an_assured_document_attached_last_closes_the_documents_item(api: Api) -> None:
    _, me, booking = await booked(api)
    url = f"/v1/panel-bookings/{booking['id']}/documents"
    for kind in REQUIRED:
        document = await upload(me, booking["referral_id"], kind)
        await assure(api, document["id"])
        attached = await me.post(url, json={"document_id": document["id"]})
        assert attached.status_code == 200, attached.text
    assert attached.json()["missing_documents"] == []
    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    assert [i["kind"] for i in work.json()["items"]] == ["panel_attend"]


async def test_r3_document_after_the_deadline_is_refused(api: Api) -> None:
    # A panel today: its deadline was 3 working days ago; booking late is allowed.
    _, me, booking = await booked(api, london_today().isoformat())
    assert when(booking["documents_due_at"]) < datetime.now(LONDON)
    document = await upload(me, booking["referral_id"], "risk_assessment")
    url = f"/v1/panel-bookings/{booking['id']}/documents"
    refused = await me.post(url, json={"document_id": document["id"]})
    assert_problem(refused, 409, "panel_document_deadline_passed", rule="R3")
    got = await me.get(f"/v1/panel-bookings/{booking['id']}")
    assert got.json()["documents"] == []
    assert got.json()["missing_documents"] == ["care_and_support_plan", "risk_assessment"]
    work = await me.get(
        "/v1/work",
        params={"assignee": "me", "subject_id": booking["id"], "kind": "panel_documents_due"},
    )
    assert [(i["kind"], i["state"]) for i in work.json()["items"]] == [
        ("panel_documents_due", "overdue")
    ]


async def test_r3_accept_late_by_anyone_but_a_panel_member_is_403(api: Api) -> None:
    team, me, booking = await booked(api, london_today().isoformat())
    document = await upload(me, booking["referral_id"], "risk_assessment")
    url = f"/v1/panel-bookings/{booking['id']}/documents"
    body = {"document_id": document["id"], "accept_late": True}
    assert_problem(await me.post(url, json=body), 403, "forbidden")
    officer = api.as_("placements_officer")
    assert_problem(await officer.post(url, json=body), 403, "forbidden")
    # Even on time, accept_late is a panel member's call.
    _, me2, early = await booked(api)
    doc2 = await upload(me2, early["referral_id"], "risk_assessment")
    early_url = f"/v1/panel-bookings/{early['id']}/documents"
    refused = await me2.post(early_url, json={"document_id": doc2["id"], "accept_late": True})
    assert_problem(refused, 403, "forbidden")


async def test_r3_accept_late_by_a_panel_member_is_recorded(api: Api) -> None:
    _, me, booking = await booked(api, london_today().isoformat())
    document = await upload(me, booking["referral_id"], "care_and_support_plan")
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}/documents"
    accepted = await chair.post(url, json={"document_id": document["id"], "accept_late": True})
    assert accepted.status_code == 200, accepted.text
    (attached,) = accepted.json()["documents"]
    assert attached["late"] is True
    assert attached["accepted_late_by"] == chair.sub
    assert attached["attached_by"] == chair.sub
    assert abs(when(attached["accepted_late_at"]) - datetime.now(LONDON)) < timedelta(minutes=5)
    # Accepted late, but not yet assured: both still missing (R3).
    assert accepted.json()["missing_documents"] == REQUIRED

    admin = api.as_("admin")
    audit = await admin.get("/v1/audit", params={"subject_id": booking["id"]})
    entries = {e["action"]: e for e in audit.json()["items"]}
    late = entries["panel_booking.document_attached"]
    assert late["actor"]["sub"] == chair.sub
    assert late["after"]["late"] is True and late["after"]["accepted_late_by"] == chair.sub


async def test_r3_funding_panel_booking_has_no_deadline_and_keeps_referral_status(
    api: Api,
) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    panel = await make_panel(api, london_today().isoformat(), kind="funding")
    # R6 revision 2: a funding panel booking names a funding request of the referral.
    body = {"referral_id": referral["id"], "panel_id": panel["id"]}
    assert_problem(await me.post("/v1/panel-bookings", json=body), 422, "validation_error", "R6")
    # Revision 2: an emergency request (naming no match) stands in for one here.
    emergency = await pathway.make_referral(api, team, urgency="emergency")
    request = await api.as_("placements_officer").post(
        "/v1/funding-requests", json={"referral_id": emergency["id"], "weekly_cost_pence": 1}
    )
    assert request.status_code == 201, request.text
    foreign = {**body, "funding_request_id": request.json()["id"]}
    assert_problem(await me.post("/v1/panel-bookings", json=foreign), 422, "validation_error", "R6")
    response = await me.post(
        "/v1/panel-bookings",
        json={
            "referral_id": emergency["id"],
            "panel_id": panel["id"],
            "funding_request_id": request.json()["id"],
        },
    )
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["funding_request_id"] == request.json()["id"]
    referral = emergency
    assert booking["panel_kind"] == "funding"
    assert booking["documents_due_on"] is None and booking["documents_due_at"] is None
    assert booking["missing_documents"] == []
    assert await referral_status(me, referral["id"]) == "matching"
    # No deadline: a document can always be attached.
    document = await upload(me, referral["id"], "financial_assessment")
    attached = await me.post(
        f"/v1/panel-bookings/{booking['id']}/documents", json={"document_id": document["id"]}
    )
    assert attached.status_code == 200 and attached.json()["documents"][0]["late"] is False
    # Funding is decided on the funding request, not here.
    chair = api.as_("panel_member")
    refused = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": "approved"}
    )
    assert_problem(refused, 409, "invalid_transition", rule="R6")
    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    assert work.json()["items"] == []


async def test_r1_booking_a_referral_in_the_wrong_state_is_409(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    draft = await make_referral(api, team, submit=False)
    panel = await make_panel(api, far_future())
    body = {"referral_id": draft["id"], "panel_id": panel["id"]}
    assert_problem(await me.post("/v1/panel-bookings", json=body), 409, "invalid_transition", "R1")
    funding = await make_panel(api, far_future(), kind="funding")
    body = {"referral_id": draft["id"], "panel_id": funding["id"]}
    assert_problem(await me.post("/v1/panel-bookings", json=body), 409, "invalid_transition", "R1")
    # Already at panel: a second practice assurance booking is refused too.
    submitted = await make_referral(api, team)
    await book(me, submitted["id"], panel["id"])
    body = {"referral_id": submitted["id"], "panel_id": panel["id"]}
    assert_problem(await me.post("/v1/panel-bookings", json=body), 409, "invalid_transition", "R1")
    unknown = {"referral_id": submitted["id"], "panel_id": str(uuid.uuid4())}
    assert_problem(await me.post("/v1/panel-bookings", json=unknown), 404, "not_found")


async def test_panel_bookings_are_scoped_to_the_referral_team(api: Api) -> None:
    team, me, booking = await booked(api)
    outsider = api.as_("practitioner", teams=[unique_team()])
    url = f"/v1/panel-bookings/{booking['id']}"
    assert_problem(await outsider.get(url), 404, "not_found")
    listed = await outsider.get(
        "/v1/panel-bookings", params={"referral_id": booking["referral_id"]}
    )
    assert listed.json()["items"] == []
    document = await upload(me, booking["referral_id"], "risk_assessment")
    refused = await outsider.post(f"{url}/documents", json={"document_id": document["id"]})
    assert_problem(refused, 404, "not_found")
    other = await make_referral(api, team)
    panel = await make_panel(api, far_future())
    body = {"referral_id": other["id"], "panel_id": panel["id"]}
    assert_problem(await outsider.post("/v1/panel-bookings", json=body), 404, "not_found")
    # The team and cross-team roles see it.
    mine = await me.get("/v1/panel-bookings", params={"referral_id": booking["referral_id"]})
    assert [b["id"] for b in mine.json()["items"]] == [booking["id"]]
    chair = api.as_("panel_member")
    by_panel = await chair.get(
        "/v1/panel-bookings", params={"panel_id": booking["panel_id"], "status": "booked"}
    )
    assert booking["id"] in [b["id"] for b in by_panel.json()["items"]]
    # Booking needs a role that may book.
    manager = api.as_("team_manager")
    assert_problem(await manager.post("/v1/panel-bookings", json=body), 403, "forbidden")


# --- R4 decisions -----------------------------------------------------------------------


async def test_r4_decision_by_anyone_but_a_panel_member_is_403(api: Api) -> None:
    _, me, booking = await booked(api)
    url = f"/v1/panel-bookings/{booking['id']}/decision"
    for caller in (me, api.as_("placements_officer"), api.as_("team_manager")):
        assert_problem(await caller.post(url, json={"outcome": "approved"}), 403, "forbidden")
    assert await referral_status(me, booking["referral_id"]) == "panel"


async def test_r4_approved_moves_referral_to_matching_and_deciding_twice_is_409(
    api: Api,
) -> None:
    _, me, booking = await ready(api)
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}"
    stale = await chair.post(
        f"{url}/decision", json={"outcome": "approved"}, headers={"If-Match": '"42"'}
    )
    assert_problem(stale, 412, "precondition_failed")
    decided = await chair.post(
        f"{url}/decision",
        json={"outcome": "approved", "notes": "Thresholds met."},
        headers={"If-Match": f'"{booking["version"]}"'},
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["status"], body["decision"], body["decided_by"]) == (
        "decided",
        "approved",
        chair.sub,
    )
    assert body["actions"] == []
    assert await referral_status(me, booking["referral_id"]) == "matching"
    again = await chair.post(f"{url}/decision", json={"outcome": "declined"})
    assert_problem(again, 409, "invalid_transition", rule="R4")
    # Documents stop being attachable once decided.
    document = await upload(me, booking["referral_id"], "risk_assessment")
    late = await me.post(f"{url}/documents", json={"document_id": document["id"]})
    assert_problem(late, 409, "invalid_transition", rule="R4")
    # The documents-due item closed with the decision.
    work = await me.get("/v1/work", params={"assignee": "me", "subject_id": booking["id"]})
    assert work.json()["items"] == []
    events = await me.get("/v1/events", params={"type": "panel_booking.decided"})
    assert [e["data"]["outcome"] for e in events.json()["items"]] == ["approved"]


async def test_r4_approved_with_actions_waits_at_panel_until_the_last_action_is_done(
    api: Api,
) -> None:
    team, me, booking = await ready(api)
    chair = api.as_("panel_member")
    url = f"/v1/panel-bookings/{booking['id']}"
    empty = await chair.post(f"{url}/decision", json={"outcome": "approved_with_actions"})
    assert_problem(empty, 422, "validation_error", rule="R4")
    decided = await chair.post(
        f"{url}/decision",
        json={
            "outcome": "approved_with_actions",
            "actions": ["Update the care and support plan", "Adjust support hours"],
        },
    )
    assert decided.status_code == 200, decided.text
    actions = decided.json()["actions"]
    assert [(a["description"], a["done"]) for a in actions] == [
        ("Update the care and support plan", False),
        ("Adjust support hours", False),
    ]
    assert await referral_status(me, booking["referral_id"]) == "panel"
    team_work = await me.get("/v1/work", params={"team": team, "kind": "panel_action"})
    assert sorted(i["subject"]["id"] for i in team_work.json()["items"]) == sorted(
        a["id"] for a in actions
    )
    assert {i["rule"] for i in team_work.json()["items"]} == {"R4"}

    first = await me.post(
        f"{url}/actions/{actions[0]['id']}/complete",
        headers={"If-Match": decided.headers["ETag"]},
    )
    assert first.status_code == 200, first.text
    assert [a["done"] for a in first.json()["actions"]] == [True, False]
    assert first.json()["actions"][0]["done_by"] == me.sub
    assert await referral_status(me, booking["referral_id"]) == "panel"
    twice = await me.post(f"{url}/actions/{actions[0]['id']}/complete")
    assert_problem(twice, 409, "invalid_transition", rule="R4")
    assert_problem(await me.post(f"{url}/actions/{uuid.uuid4()}/complete"), 404, "not_found")
    manager = api.as_("team_manager")
    assert_problem(
        await manager.post(f"{url}/actions/{actions[1]['id']}/complete"), 403, "forbidden"
    )

    last = await chair.post(f"{url}/actions/{actions[1]['id']}/complete")
    assert last.status_code == 200, last.text
    assert [a["done"] for a in last.json()["actions"]] == [True, True]
    assert await referral_status(me, booking["referral_id"]) == "matching"
    team_work = await me.get("/v1/work", params={"team": team, "kind": "panel_action"})
    assert team_work.json()["items"] == []
    events = await me.get("/v1/events", params={"type": "panel_action.completed"})
    assert [e["subject"]["id"] for e in events.json()["items"]] == [a["id"] for a in actions]


@pytest.mark.parametrize("outcome", ["deferred", "declined"])
async def test_r4_deferred_or_declined_returns_to_submitted_and_a_new_booking_works(
    api: Api, outcome: str
) -> None:
    _, me, booking = await ready(api)
    chair = api.as_("panel_member")
    with_actions = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision",
        json={"outcome": outcome, "actions": ["Not allowed here"]},
    )
    assert_problem(with_actions, 422, "validation_error", rule="R4")
    decided = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": outcome}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == outcome
    assert await referral_status(me, booking["referral_id"]) == "submitted"
    next_panel = await make_panel(api, far_future())
    again = await book(me, booking["referral_id"], next_panel["id"])
    assert again["status"] == "booked" and again["id"] != booking["id"]
    assert await referral_status(me, booking["referral_id"]) == "panel"
    history = await me.get("/v1/panel-bookings", params={"referral_id": booking["referral_id"]})
    assert [(b["id"], b["status"]) for b in history.json()["items"]] == [
        (booking["id"], "decided"),
        (again["id"], "booked"),
    ]


async def test_r4_outstanding_actions_seam_for_matching(api: Api) -> None:
    _, me, booking = await ready(api)
    chair = api.as_("panel_member")
    decided = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision",
        json={"outcome": "approved_with_actions", "actions": ["Confirm funding source"]},
    )
    assert decided.status_code == 200, decided.text
    state = api.app.state
    ctx = Context(
        principal=Principal("matcher", None, frozenset({"placements_officer"}), frozenset()),
        request_id=None,
        settings=state.settings,
        policy=state.policy,
        calendar=state.calendar,
        sessionmaker=state.sessionmaker,
        storage=state.storage,
    )
    referral_id = uuid.UUID(booking["referral_id"])
    async with ctx.uow() as uow:
        assert await outstanding_actions(uow, referral_id) == 1
        with pytest.raises(PanelActionsOutstanding) as refused:
            await ensure_no_outstanding_actions(uow, referral_id)
        assert (refused.value.code, refused.value.rule) == ("panel_actions_outstanding", "R4")
    action_id = decided.json()["actions"][0]["id"]
    done = await me.post(f"/v1/panel-bookings/{booking['id']}/actions/{action_id}/complete")
    assert done.status_code == 200, done.text
    async with ctx.uow() as uow:
        assert await outstanding_actions(uow, referral_id) == 0
        await ensure_no_outstanding_actions(uow, referral_id)
