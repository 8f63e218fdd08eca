"""A child with a full history in one team, for tests that need every kind of record about
a person: transfers (a person's records follow the person), the subject access export
(R19) and the access matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.pathway import (
    accepted_match,
    make_referral,
    officer,
    provider_with_vacancy,
)
from tests.support import Api, Caller, make_person

START = "2025-12-01"


@dataclass
class History:
    team: str
    person: dict[str, Any]
    referral: dict[str, Any]
    emergency_referral: dict[str, Any]
    panel: dict[str, Any]
    booking: dict[str, Any]
    match: dict[str, Any]
    funding: dict[str, Any]
    placement: dict[str, Any]
    reviews: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    restriction: dict[str, Any]
    case_note: dict[str, Any]
    provider: dict[str, Any]
    vacancy: dict[str, Any]
    alerted: str
    work: list[dict[str, Any]] = field(default_factory=list)

    def ids(self) -> dict[str, set[str]]:
        """Every record made in the flow, by kind."""
        return {
            "referrals": {self.referral["id"], self.emergency_referral["id"]},
            "panel_bookings": {self.booking["id"]},
            "matches": {self.match["id"]},
            "funding_requests": {self.funding["id"]},
            "placements": {self.placement["id"]},
            "reviews": {r["id"] for r in self.reviews},
            "contact_restrictions": {self.restriction["id"]},
            "case_notes": {self.case_note["id"]},
            "documents": {d["id"] for d in self.documents},
            "work_items": {w["id"] for w in self.work},
        }

    def all_ids(self) -> set[str]:
        return {self.person["id"]}.union(*self.ids().values())


async def upload(caller: Caller, url: str, kind: str) -> dict[str, Any]:
    response = await caller.post(
        url,
        files={"file": (f"{kind}.pdf", b"%PDF-1.4 " + kind.encode(), "application/pdf")},
        data={"kind": kind},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def full_history(api: Api, team: str, **person_fields: Any) -> History:
    """Referral -> match -> funding (booked into a funding panel, a document attached) ->
    placement (reviews scheduled, a document) -> an emergency contact restriction, a case
    note with an alert, and a second, emergency referral on the duty tracker."""
    worker = api.as_("practitioner", teams=[team])
    me = officer(api)
    person = await make_person(api, team, **person_fields)
    referral = await make_referral(api, team, person_id=person["id"])
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    # The costings name the match (R6); the funding panel booking names the request.
    created = await me.post(
        "/v1/funding-requests",
        json={
            "referral_id": referral["id"],
            "match_id": match["id"],
            "weekly_cost_pence": 85_000,
            "one_off_cost_pence": 0,
        },
    )
    assert created.status_code == 201, created.text
    furl = f"/v1/funding-requests/{created.json()['id']}"
    panel = await me.post("/v1/panels", json={"kind": "funding", "date": today})
    assert panel.status_code == 201, panel.text
    booking = await worker.post(
        "/v1/panel-bookings",
        json={
            "referral_id": referral["id"],
            "panel_id": panel.json()["id"],
            "funding_request_id": created.json()["id"],
        },
    )
    assert booking.status_code == 201, booking.text
    doc = await upload(worker, f"/v1/referrals/{referral['id']}/documents", "financial_assessment")
    attached = await worker.post(
        f"/v1/panel-bookings/{booking.json()['id']}/documents", json={"document_id": doc["id"]}
    )
    assert attached.status_code == 200, attached.text
    assert (await me.post(f"{furl}/submit")).status_code == 200
    decided = await api.as_("team_manager").post(f"{furl}/decision", json={"outcome": "approved"})
    assert decided.status_code == 200, decided.text
    funding = decided.json()
    confirmed = await me.post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "start_date": START,
        },
    )
    assert confirmed.status_code == 201, confirmed.text
    placement = confirmed.json()
    placement_doc = await upload(
        me, f"/v1/placements/{placement['id']}/documents", "placement_plan"
    )
    reviews = await api.as_("reviewer").get("/v1/reviews", params={"placement_id": placement["id"]})
    assert reviews.status_code == 200 and reviews.json()["items"], reviews.text
    restriction = await worker.post(
        f"/v1/placements/{placement['id']}/contact-restrictions",
        json={"description": "No unsupervised contact with uncle.", "emergency": True},
    )
    assert restriction.status_code == 201, restriction.text
    alerted = f"ssw-{team}"
    note = await worker.post(
        f"/v1/people/{person['id']}/case-notes",
        json={
            "type": "psw_direct_work_with_child",
            "text": "Life story work.",
            "alerts": [alerted],
        },
    )
    assert note.status_code == 201, note.text
    emergency = await make_referral(
        api, team, person_id=person["id"], urgency="emergency", requested_start=today
    )
    history = History(
        team=team,
        person=person,
        referral=referral,
        emergency_referral=emergency,
        panel=panel.json(),
        booking=booking.json(),
        match=match,
        funding=funding,
        placement=placement,
        reviews=reviews.json()["items"],
        documents=[doc, placement_doc],
        restriction=restriction.json(),
        case_note=note.json(),
        provider=provider,
        vacancy=vacancy,
        alerted=alerted,
    )
    admin = api.as_("admin")
    for subject in history.all_ids():
        found = await admin.get("/v1/work", params={"subject_id": subject, "limit": 200})
        assert found.status_code == 200, found.text
        history.work += found.json()["items"]
    assert history.work, "the flow opens work items"
    return history
