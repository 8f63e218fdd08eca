"""Exactly one event per action (docs/decisions/0011-event-names.md): every action of the
pathway and support flows writes one event named `<subject>.<past-tense action>`, and a
record another area's action moves writes one `<subject>.status_changed`; no action writes
two events about one subject."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.api.test_panels import london_today
from tests.pathway import officer
from tests.support import Api, Caller, make_person, make_provider, make_vacancy, unique_team
from tests.support_flow import contact_body, make_foster_carer, upload


class Feed:
    """Reads the change feed as an integration admin, from wherever it has got to."""

    def __init__(self, api: Api) -> None:
        self.admin = api.as_("admin")
        self.last: str | None = None

    async def _read(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": 200}
            if self.last is not None:
                params["after"] = self.last
            response = await self.admin.get("/v1/events", params=params)
            assert response.status_code == 200, response.text
            page = response.json()["items"]
            if not page:
                return items
            items.extend(page)
            self.last = page[-1]["id"]

    async def start(self) -> None:
        await self._read()

    async def step(self, call: Awaitable[httpx.Response], status: int = 200) -> Any:
        """Run one action; return its response body and the events it wrote by type."""
        response = await call
        assert response.status_code == status, response.text
        events = await self._read()
        pairs = Counter((e["type"], e["subject"]["id"]) for e in events)
        assert all(n == 1 for n in pairs.values()), pairs
        return response.json(), Counter(e["type"] for e in events)


async def test_every_pathway_action_writes_one_event_of_its_type(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    placements = officer(api)
    feed = Feed(api)
    person = await make_person(api, team, cohort="adult", date_of_birth="1990-02-03")
    provider = await make_provider(api, service="supported_living")
    vacancy = await make_vacancy(api, provider["id"])
    await feed.start()

    referral, events = await feed.step(
        me.post(
            "/v1/referrals",
            json={
                "person_id": person["id"],
                "urgency": "planned",
                "service": "supported_living",
                "needs": "Supported living near family.",
                "requested_start": "2026-12-01",
            },
        ),
        201,
    )
    assert events == {"referral.created": 1}
    url = f"/v1/referrals/{referral['id']}"
    _, events = await feed.step(me.patch(url, json={"needs": "Near family and work."}))
    assert events == {"referral.updated": 1}
    submitted, events = await feed.step(me.post(f"{url}/submit"))
    # Once, not also as the status it reached (the double emission this test pins).
    assert submitted["status"] == "submitted"
    assert events == {"referral.submitted": 1}

    panel, events = await feed.step(
        placements.post(
            "/v1/panels",
            # Meets today: the panel decides below (R3: on or after its date).
            json={"kind": "practice_assurance", "date": london_today().isoformat()},
        ),
        201,
    )
    assert events == {"panel.created": 1}
    booking, events = await feed.step(
        me.post(
            "/v1/panel-bookings", json={"referral_id": referral["id"], "panel_id": panel["id"]}
        ),
        201,
    )
    assert events == {"panel_booking.created": 1, "referral.status_changed": 1}
    chair = api.as_("panel_member")
    for kind in ("care_and_support_plan", "risk_assessment"):
        document, events = await feed.step(
            me.post(
                f"{url}/documents",
                files={"file": (f"{kind}.pdf", b"%PDF-1.4 x", "application/pdf")},
                data={"kind": kind},
            ),
            201,
        )
        assert events == {"document.uploaded": 1}
        # Today's deadline has passed: the chair accepts it late (R3).
        _, events = await feed.step(
            chair.post(
                f"/v1/panel-bookings/{booking['id']}/documents",
                json={"document_id": document["id"], "accept_late": True},
            )
        )
        assert events == {"panel_booking.document_attached": 1}
        _, events = await feed.step(
            api.as_("team_manager").post(f"/v1/documents/{document['id']}/assure", json={})
        )
        assert events == {"document.assured": 1}
    _, events = await feed.step(
        api.as_("panel_member").post(
            f"/v1/panel-bookings/{booking['id']}/decision", json={"outcome": "approved"}
        )
    )
    assert events == {"panel_booking.decided": 1, "referral.status_changed": 1}

    match, events = await feed.step(
        placements.post(
            f"{url}/matches", json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]}
        ),
        201,
    )
    assert events == {"match.proposed": 1}
    murl = f"/v1/matches/{match['id']}"
    for verb, event in (("contact", "match.contacted"), ("assess", "match.assessing")):
        _, events = await feed.step(placements.post(f"{murl}/{verb}"))
        assert events == {event: 1}
    _, events = await feed.step(placements.post(f"{murl}/accept"))
    assert events == {
        "match.accepted": 1,
        "referral.status_changed": 1,
        "vacancy.status_changed": 1,
    }

    funding, events = await feed.step(
        placements.post(
            "/v1/funding-requests",
            json={
                "referral_id": referral["id"],
                "match_id": match["id"],
                "weekly_cost_pence": 90_000,
            },
        ),
        201,
    )
    assert events == {"funding_request.created": 1}
    furl = f"/v1/funding-requests/{funding['id']}"
    _, events = await feed.step(placements.patch(furl, json={"weekly_cost_pence": 85_000}))
    assert events == {"funding_request.updated": 1}
    _, events = await feed.step(placements.post(f"{furl}/submit"))
    assert events == {"funding_request.submitted": 1}
    # Supported living goes to the funding panel (R6, revision 2): booked, then decided there.
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    funding_panel, events = await feed.step(
        placements.post("/v1/panels", json={"kind": "funding", "date": today}), 201
    )
    assert events == {"panel.created": 1}
    _, events = await feed.step(
        me.post(
            "/v1/panel-bookings",
            json={
                "referral_id": referral["id"],
                "panel_id": funding_panel["id"],
                "funding_request_id": funding["id"],
            },
        ),
        201,
    )
    assert events == {"panel_booking.created": 1}
    _, events = await feed.step(
        api.as_("panel_member").post(f"{furl}/decision", json={"outcome": "approved"})
    )
    assert events == {"funding_request.approved": 1}

    placement, events = await feed.step(
        placements.post(
            "/v1/placements",
            json={
                "referral_id": referral["id"],
                "provider_id": provider["id"],
                "start_date": "2026-12-01",
            },
        ),
        201,
    )
    # The reviews that apply (R12-R14, R17) are scheduled: one event each; an adult's
    # supported living placement gets its care and support review (R14, revision 2).
    assert events == {
        "placement.confirmed": 1,
        "referral.status_changed": 1,
        "vacancy.status_changed": 1,
        "review.scheduled": 1,
    }
    _, events = await feed.step(
        placements.post(
            f"/v1/placements/{placement['id']}/end",
            json={"end_date": today, "reason": "Moved on"},
        )
    )
    # Its scheduled review is cancelled with it.
    assert events == {"placement.ended": 1, "vacancy.status_changed": 1, "review.cancelled": 1}
    # R22: the confirmation sent to the Arranging Support team before the referral closes.
    _, events = await feed.step(
        placements.post(
            f"/v1/placements/{placement['id']}/arranging-support",
            json={
                "sent_on": today,
                "provider_copied": True,
                "re_ratio_required": False,
                "night_provision_changed": False,
            },
        )
    )
    assert sum(events.values()) == 1, events
    _, events = await feed.step(me.post(f"{url}/close", json={"note": "Done"}))
    assert events == {"referral.closed": 1}


async def test_an_emergency_submit_and_a_withdrawal_write_one_referral_event(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    feed = Feed(api)
    person = await make_person(api, team)
    provider = await make_provider(api, service="foster_care", on_emergency_rota=True)
    referral = (
        await me.post(
            "/v1/referrals",
            json={
                "person_id": person["id"],
                "urgency": "emergency",
                "service": "foster_care",
                "needs": "Tonight.",
                "requested_start": "2026-12-01",
            },
        )
    ).json()
    await feed.start()
    url = f"/v1/referrals/{referral['id']}"
    submitted, events = await feed.step(me.post(f"{url}/submit"))
    assert submitted["status"] == "matching"
    assert events == {"referral.submitted": 1}  # not also referral.matching
    _, events = await feed.step(
        officer(api).post(f"{url}/matches", json={"provider_id": provider["id"]}), 201
    )
    assert events == {"match.proposed": 1}
    _, events = await feed.step(me.post(f"{url}/withdraw", json={"reason": "Family found"}))
    assert events == {"referral.withdrawn": 1, "match.withdrawn": 1}


async def test_every_support_action_writes_one_event_of_its_type(api: Api) -> None:
    team = unique_team()
    ssw = api.as_("supervising_social_worker", teams=[team])
    supervisor = api.as_("practice_supervisor", teams=[team])
    worker: Caller = api.as_("support_worker", teams=[team], sub=f"psw-{team}")
    carer = await make_foster_carer(api, team)
    feed = Feed(api)
    await feed.start()

    request, events = await feed.step(
        ssw.post("/v1/support-requests", json={"provider_id": carer["id"], "reason": "Help"}),
        201,
    )
    assert events == {"support_request.created": 1}
    _, events = await feed.step(upload(ssw, request["id"]), 201)
    assert events == {"document.uploaded": 1}
    rurl = f"/v1/support-requests/{request['id']}"
    _, events = await feed.step(ssw.post(f"{rurl}/submit"))
    assert events == {"support_request.submitted": 1}
    _, events = await feed.step(
        supervisor.post(
            f"{rurl}/decision",
            json={"allocated": True, "allocated_on": "2026-01-05", "support_worker": worker.sub},
        )
    )
    assert events == {
        "support_request.allocated": 1,
        "casework_episode.opened": 1,
        "supervision.scheduled": 1,
    }

    episodes = await supervisor.get(
        "/v1/casework-episodes", params={"support_request_id": request["id"]}
    )
    (episode,) = episodes.json()["items"]
    _, events = await feed.step(
        worker.post(f"/v1/casework-episodes/{episode['id']}/contacts", json=contact_body()), 201
    )
    assert events == {"casework_contact.recorded": 1}

    supervisions = await supervisor.get(
        "/v1/supervisions", params={"support_request_id": request["id"]}
    )
    (supervision,) = supervisions.json()["items"]
    _, events = await feed.step(
        supervisor.post(
            f"/v1/supervisions/{supervision['id']}/record",
            json={"held_on": "2026-02-01", "outcome": "next_in_4_weeks"},
        )
    )
    assert events == {"supervision.held": 1, "supervision.scheduled": 1}
