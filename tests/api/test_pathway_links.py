"""Where the pathway's areas meet: R4 holds matching back, a withdrawal winds down."""

from __future__ import annotations

from tests.api.test_panels import booked, ready
from tests.pathway import accepted_match, make_referral, officer, provider_with_vacancy
from tests.support import Api, assert_problem, unique_team


async def test_r4_proposing_a_match_with_panel_actions_outstanding_is_409(api: Api) -> None:
    team, me, booking = await ready(api)
    chair = api.as_("panel_member")
    decided = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision",
        json={"outcome": "approved_with_actions", "actions": ["Confirm the funding source"]},
    )
    assert decided.status_code == 200, decided.text
    provider, vacancy = await provider_with_vacancy(api, service="supported_living")
    body = {"provider_id": provider["id"], "vacancy_id": vacancy["id"]}
    url = f"/v1/referrals/{booking['referral_id']}/matches"
    assert_problem(
        await officer(api).post(url, json=body), 409, "panel_actions_outstanding", rule="R4"
    )
    action = decided.json()["actions"][0]["id"]
    done = await me.post(f"/v1/panel-bookings/{booking['id']}/actions/{action}/complete")
    assert done.status_code == 200, done.text
    proposed = await officer(api).post(url, json=body)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "proposed"


async def test_r1_withdrawing_a_matched_referral_frees_the_vacancy(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    me = api.as_("practitioner", teams=[team])
    held = await officer(api).get(f"/v1/vacancies/{vacancy['id']}")
    assert held.json()["status"] == "held"
    withdrawn = await me.post(
        f"/v1/referrals/{referral['id']}/withdraw", json={"reason": "Family moved away"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await officer(api).get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "open"
    assert (await officer(api).get(f"/v1/matches/{match['id']}")).json()["status"] == "withdrawn"
    # The vacancy can be matched to someone else now.
    other = await make_referral(api, team)
    again = await officer(api).post(
        f"/v1/referrals/{other['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    assert again.status_code == 201, again.text


async def test_r3_withdrawing_a_booked_referral_closes_its_panel_work(api: Api) -> None:
    team, me, booking = await booked(api)
    owed = await me.get("/v1/work", params={"assignee": "me", "rule": "R3"})
    assert sorted((i["kind"], i["subject"]["id"]) for i in owed.json()["items"]) == [
        ("panel_attend", booking["id"]),
        ("panel_documents_due", booking["id"]),
    ]
    withdrawn = await me.post(
        f"/v1/referrals/{booking['referral_id']}/withdraw", json={"reason": "No longer needed"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await me.get("/v1/work", params={"assignee": "me", "rule": "R3"})).json()["items"] == []
