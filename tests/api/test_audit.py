"""R19 over HTTP: every read of a person's records is audited, one at a time and in
lists, and the change feed (which webhooks send as is) carries nothing personal."""

from __future__ import annotations

import json
from typing import Any

from tests.api.test_panels import book, make_panel
from tests.api.test_panels import make_referral as make_adult_referral
from tests.api.test_reviews import placed, reviews_of
from tests.support import Api, Caller, make_person, unique_team
from tests.support_flow import add_contacts, make_allocated

READERS = ("practitioner", "placements_officer", "reviewer")
SUPPORT = {"support_request", "casework_episode", "casework_contact", "supervision"}
NHS_NUMBER = "9434765919"  # valid modulus 11 check digit


async def trail(api: Api, subject_id: str) -> list[str]:
    response = await api.as_("admin").get("/v1/audit", params={"subject_id": subject_id})
    assert response.status_code == 200, response.text
    return [entry["action"] for entry in response.json()["items"]]


async def read_both(caller: Caller, single: str, listing: str, params: dict[str, str]) -> None:
    one = await caller.get(single)
    assert one.status_code == 200, one.text
    many = await caller.get(listing, params=params)
    assert many.status_code == 200, many.text
    assert single.rsplit("/", 1)[-1] in [item["id"] for item in many.json()["items"]]


async def feed_after(admin: Caller, after: str | None) -> list[dict[str, Any]]:
    """Every event after `after` (all of them if None), page by page."""
    events: list[dict[str, Any]] = []
    params: dict[str, str | int] = {"limit": 200}
    if after:
        params["after"] = after
    while True:
        body = (await admin.get("/v1/events", params=params)).json()
        events.extend(body["items"])
        if not body["next_cursor"]:
            return events
        params = {"limit": 200, "cursor": body["next_cursor"]}


async def full_history(api: Api, team: str) -> dict[str, Any]:
    """A child with a placement (referral, match, funding, reviews), a case note, a
    restriction and a document; an adult with a panel booking; a support request."""
    placement = await placed(api, team)
    worker = api.as_("practitioner", teams=[team])
    person_id = placement["person_id"]
    referral_id = placement["referral_id"]
    match = (await worker.get(f"/v1/referrals/{referral_id}/matches")).json()["items"][0]
    funding = (
        await worker.get("/v1/funding-requests", params={"referral_id": referral_id})
    ).json()["items"][0]
    review = (await reviews_of(api, placement["id"]))[0]
    note = await worker.post(
        f"/v1/people/{person_id}/case-notes",
        json={"type": "general", "text": "Told me about the bullying at school."},
    )
    assert note.status_code == 201, note.text
    restriction = await worker.post(
        f"/v1/placements/{placement['id']}/contact-restrictions",
        json={
            "description": "No contact with the birth father.",
            "emergency": False,
            "agreed_with": "Placing authority duty manager",
        },
    )
    assert restriction.status_code == 201, restriction.text
    document = await worker.post(
        f"/v1/referrals/{referral_id}/documents",
        files={"file": ("care-plan-smith.pdf", b"%PDF-1.4 plan", "application/pdf")},
        data={"kind": "cla_care_plan"},
    )
    assert document.status_code == 201, document.text
    adult_referral = await make_adult_referral(api, team)
    booking = await book(worker, adult_referral["id"], (await make_panel(api, "2027-07-14"))["id"])
    support = await make_allocated(api, team)
    await add_contacts(support.worker, support.episode["id"], 1)
    contacts = await support.worker.get(f"/v1/casework-episodes/{support.episode['id']}/contacts")
    return {
        "person": person_id,
        "referral": referral_id,
        "match": match["id"],
        "funding": funding["id"],
        "placement": placement["id"],
        "review": review["id"],
        "note": note.json()["id"],
        "restriction": restriction.json()["id"],
        "document": document.json()["id"],
        "adult_referral": adult_referral["id"],
        "booking": booking["id"],
        "support": support,
        "contact": contacts.json()["items"][0]["id"],
    }


async def test_r19_every_person_scoped_record_is_audited_when_read_alone_and_in_lists(
    api: Api,
) -> None:
    team = unique_team()
    h = await full_history(api, team)
    reader = api.as_(*READERS, teams=[team])
    support: Any = h["support"]
    person, referral, placement = h["person"], h["referral"], h["placement"]
    episode, supervision = support.episode["id"], support.supervision["id"]
    cases = [
        ("person", f"/v1/people/{person}", "/v1/people", {"team": team}),
        ("referral", f"/v1/referrals/{referral}", "/v1/referrals", {"person_id": person}),
        (
            "match",
            f"/v1/matches/{h['match']}",
            f"/v1/referrals/{referral}/matches",
            {},
        ),
        (
            "funding_request",
            f"/v1/funding-requests/{h['funding']}",
            "/v1/funding-requests",
            {"referral_id": referral},
        ),
        ("placement", f"/v1/placements/{placement}", "/v1/placements", {"person_id": person}),
        ("review", f"/v1/reviews/{h['review']}", "/v1/reviews", {"placement_id": placement}),
        (
            "contact_restriction",
            f"/v1/contact-restrictions/{h['restriction']}",
            f"/v1/placements/{placement}/contact-restrictions",
            {},
        ),
        (
            "case_note",
            f"/v1/people/{person}/case-notes/{h['note']}",
            f"/v1/people/{person}/case-notes",
            {},
        ),
        (
            "document",
            f"/v1/documents/{h['document']}",
            f"/v1/referrals/{referral}/documents",
            {},
        ),
        (
            "panel_booking",
            f"/v1/panel-bookings/{h['booking']}",
            "/v1/panel-bookings",
            {"referral_id": h["adult_referral"]},
        ),
        (
            "support_request",
            f"/v1/support-requests/{support.request['id']}",
            "/v1/support-requests",
            {"provider_id": support.request["provider_id"]},
        ),
        (
            "casework_episode",
            f"/v1/casework-episodes/{episode}",
            "/v1/casework-episodes",
            {"support_request_id": support.request["id"]},
        ),
        (
            "casework_contact",
            f"/v1/casework-episodes/{episode}/contacts/{h['contact']}",
            f"/v1/casework-episodes/{episode}/contacts",
            {},
        ),
        (
            "supervision",
            f"/v1/supervisions/{supervision}",
            "/v1/supervisions",
            {"support_request_id": support.request["id"]},
        ),
    ]
    for subject, single, listing, params in cases:
        roles = READERS if subject not in SUPPORT else ("practice_supervisor",)
        caller = api.as_(*roles, teams=[team])
        await read_both(caller, single, listing, params)
        subject_id = single.rsplit("/", 1)[-1]
        entries = (
            await api.as_("admin").get("/v1/audit", params={"subject_id": subject_id})
        ).json()["items"]
        mine = [e["action"] for e in entries if e["actor"]["sub"] == caller.sub]
        assert mine == [f"{subject}.read", f"{subject}.list_read"], (subject, mine)
        assert all(e["request_id"] and e["subject"]["type"] == subject for e in entries), subject

    # Document content is audited as its own read.
    assert (await reader.get(f"/v1/documents/{h['document']}/content")).status_code == 200
    assert "document.content_read" in await trail(api, h["document"])


async def test_r19_a_page_audits_its_rows_only_in_one_entry_each(api: Api) -> None:
    team = unique_team()
    people = [await make_person(api, team) for _ in range(3)]
    reader = api.as_("practitioner", teams=[team])
    page = await reader.get("/v1/people", params={"team": team, "limit": 2})
    shown = [p["id"] for p in page.json()["items"]]
    assert len(shown) == 2
    for person in people:
        actions = await trail(api, person["id"])
        expected = (
            ["person.created", "person.list_read"] if person["id"] in shown else ["person.created"]
        )
        assert actions == expected, (person["id"] in shown, actions)


async def test_r19_the_feed_carries_no_personal_data_and_reading_it_is_audited(
    api: Api,
) -> None:
    admin = api.as_("admin")
    last = (await feed_after(admin, None))[-1:]

    team = unique_team()
    worker = api.as_("practitioner", teams=[team])
    child = await make_person(
        api,
        team,
        given_name="Zebedee",
        family_name="Quartermaine",
        date_of_birth="2013-07-19",
        nhs_number=NHS_NUMBER,
    )
    changed = await worker.patch(f"/v1/people/{child['id']}", json={"preferred_name": "Zeb"})
    assert changed.status_code == 200, changed.text
    h = await full_history(api, team)
    withdrawn = await worker.post(
        f"/v1/referrals/{h['adult_referral']}/withdraw", json={"reason": "Family moved to Leeds"}
    )
    assert withdrawn.status_code == 200, withdrawn.text

    feed = await feed_after(admin, last[0]["id"] if last else None)
    assert len(feed) > 30
    text = json.dumps([event["data"] for event in feed])
    for personal in (
        "Zebedee",
        "Quartermaine",
        "Zeb",
        "2013-07-19",
        "2012-05-01",  # the other people's dates of birth
        NHS_NUMBER,
        "A foster home near school.",  # needs
        "Supported living tenancy",
        "bullying",  # case note
        "birth father",  # restriction
        "care-plan-smith",  # file name
        "talked through the week",  # contact summary
        "Both foster carers",
        "Carers need help",  # support request reason
        "Leeds",  # withdrawal reason
        "Alex",
    ):
        assert personal not in text, personal
    mine = [e for e in feed if e["subject"]["id"] == child["id"]]
    assert [e["type"] for e in mine] == ["person.created", "person.updated"]
    assert mine[0]["data"]["person_id"] == child["id"]
    assert mine[1]["data"]["changed"] == ["preferred_name"]
    assert "person.feed_read" in await trail(api, child["id"])
