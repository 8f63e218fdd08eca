"""Matches over HTTP: R5 lifecycle and its database-held limits, R1 moves, R2 eligibility,
the R4 registration point, roles and scope."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain.errors import DomainError
from app.services import matching as matching_service
from tests.pathway import (
    accepted_match,
    confirm,
    make_referral,
    officer,
    planned_matched,
    propose,
    provider_with_vacancy,
    to_assessing,
)
from tests.support import Api, assert_problem, make_person, make_provider, unique_team


async def audit_actions(api: Api, subject_id: str) -> list[str]:
    response = await api.as_("admin").get("/v1/audit", params={"subject_id": subject_id})
    assert response.status_code == 200, response.text
    # Revision 2 (R19): reads are audited too; these tests pin the changes.
    return [i["action"] for i in response.json()["items"] if not i["action"].endswith("read")]


async def test_r5_match_lifecycle_holds_the_vacancy_and_matches_the_referral(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    assert referral["status"] == "submitted"
    provider, vacancy = await provider_with_vacancy(api)
    me = officer(api)
    proposed = await me.post(
        f"/v1/referrals/{referral['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    assert proposed.status_code == 201, proposed.text
    match = proposed.json()
    assert proposed.headers["Location"].endswith(f"/v1/matches/{match['id']}")
    assert proposed.headers["ETag"] == f'"{match["version"]}"'
    assert {k: match[k] for k in ("referral_id", "provider_id", "vacancy_id", "status")} == {
        "referral_id": referral["id"],
        "provider_id": provider["id"],
        "vacancy_id": vacancy["id"],
        "status": "proposed",
    }
    # R1: the first match moves a referral needing no panel to matching.
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matching"

    got = await me.get(f"/v1/matches/{match['id']}")
    etag = got.headers["ETag"]
    contacted = await me.post(f"/v1/matches/{match['id']}/contact", headers={"If-Match": etag})
    assert contacted.status_code == 200 and contacted.json()["status"] == "contacted"
    stale = await me.post(f"/v1/matches/{match['id']}/assess", headers={"If-Match": etag})
    assert_problem(stale, 412, "precondition_failed")
    assessing = await me.post(f"/v1/matches/{match['id']}/assess")
    assert assessing.json()["status"] == "assessing"
    accepted = await me.post(f"/v1/matches/{match['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_by"] == me.sub

    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matched"
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "held"
    assert await audit_actions(api, match["id"]) == [
        "match.proposed",
        "match.contacted",
        "match.assessing",
        "match.accepted",
    ]
    assert "vacancy.held" in await audit_actions(api, vacancy["id"])

    listed = await me.get(f"/v1/referrals/{referral['id']}/matches")
    assert [m["id"] for m in listed.json()["items"]] == [match["id"]]
    filtered = await me.get(
        f"/v1/referrals/{referral['id']}/matches", params={"status": "declined"}
    )
    assert filtered.json()["items"] == []


async def test_r5_other_moves_are_invalid_transitions(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    provider, vacancy = await provider_with_vacancy(api)
    match = await propose(api, referral["id"], provider["id"], vacancy["id"])
    me = officer(api)
    for verb in ("accept", "assess"):
        assert_problem(
            await me.post(f"/v1/matches/{match['id']}/{verb}"), 409, "invalid_transition", "R5"
        )
    declined = await me.post(f"/v1/matches/{match['id']}/decline", json={"reason": "No room"})
    assert declined.json()["status"] == "declined" and declined.json()["reason"] == "No room"
    for verb in ("contact", "assess", "accept", "decline", "withdraw"):
        assert_problem(
            await me.post(f"/v1/matches/{match['id']}/{verb}"), 409, "invalid_transition", "R5"
        )


async def test_r5_second_accepted_match_on_a_referral_is_refused(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    first_provider, first_vacancy = await provider_with_vacancy(api)
    second_provider, second_vacancy = await provider_with_vacancy(api)
    first = await propose(api, referral["id"], first_provider["id"], first_vacancy["id"])
    second = await propose(api, referral["id"], second_provider["id"], second_vacancy["id"])
    await to_assessing(api, first["id"])
    await to_assessing(api, second["id"])
    me = officer(api)
    assert (await me.post(f"/v1/matches/{first['id']}/accept")).status_code == 200
    refused = await me.post(f"/v1/matches/{second['id']}/accept")
    assert_problem(refused, 409, "match_already_accepted", "R5")
    assert (await me.get(f"/v1/vacancies/{second_vacancy['id']}")).json()["status"] == "open"
    assert (await me.get(f"/v1/matches/{second['id']}")).json()["status"] == "assessing"


async def test_r5_held_vacancy_cannot_be_matched_or_accepted_again(api: Api) -> None:
    provider, vacancy = await provider_with_vacancy(api)
    first = await make_referral(api, unique_team())
    second = await make_referral(api, unique_team())
    waiting = await propose(api, second["id"], provider["id"], vacancy["id"])
    await to_assessing(api, waiting["id"])
    await accepted_match(api, first["id"], provider["id"], vacancy["id"])
    me = officer(api)
    refused = await me.post(
        f"/v1/referrals/{second['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    assert_problem(refused, 409, "vacancy_unavailable", "R5")
    refused_accept = await me.post(f"/v1/matches/{waiting['id']}/accept")
    assert_problem(refused_accept, 409, "vacancy_unavailable", "R5")
    assert (await me.get(f"/v1/referrals/{second['id']}")).json()["status"] == "matching"


@pytest.mark.parametrize("verb", ["decline", "withdraw"])
async def test_r5_releasing_an_accepted_match_frees_vacancy_and_referral(
    api: Api, verb: str
) -> None:
    referral = await make_referral(api, unique_team())
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    me = officer(api)
    released = await me.post(f"/v1/matches/{match['id']}/{verb}", json={"reason": "Changed"})
    assert released.status_code == 200, released.text
    assert released.json()["status"] == {"decline": "declined", "withdraw": "withdrawn"}[verb]
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "open"
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matching"
    # The vacancy and the referral can be matched again.
    again = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    assert again["status"] == "accepted"


async def test_r1_referrals_not_open_for_matching_get_no_matches(api: Api) -> None:
    team = unique_team()
    provider, vacancy = await provider_with_vacancy(api)
    me = officer(api)
    body = {"provider_id": provider["id"], "vacancy_id": vacancy["id"]}
    draft = await make_referral(api, team, submit=False)
    assert_problem(
        await me.post(f"/v1/referrals/{draft['id']}/matches", json=body),
        409,
        "invalid_transition",
        "R1",
    )
    withdrawn = await make_referral(api, team)
    pract = api.as_("practitioner", teams=[team])
    await pract.post(f"/v1/referrals/{withdrawn['id']}/withdraw", json={"reason": "Not needed"})
    assert_problem(
        await me.post(f"/v1/referrals/{withdrawn['id']}/matches", json=body),
        409,
        "invalid_transition",
        "R1",
    )
    person = await make_person(api, team, cohort="adult", date_of_birth="1990-01-01")
    living = await make_referral(api, team, person_id=person["id"], service="supported_living")
    assert_problem(
        await me.post(f"/v1/referrals/{living['id']}/matches", json=body),
        409,
        "invalid_transition",
        "R1",
    )


async def test_r2_emergency_referral_takes_rota_carers_or_open_vacancies_only(api: Api) -> None:
    referral = await make_referral(api, unique_team(), urgency="emergency")
    assert referral["status"] == "matching"
    me = officer(api)
    url = f"/v1/referrals/{referral['id']}/matches"
    not_on_rota = await make_provider(api, service="foster_care", on_emergency_rota=False)
    assert_problem(
        await me.post(url, json={"provider_id": not_on_rota["id"]}),
        409,
        "emergency_provider_not_eligible",
        "R2",
    )
    rota_home = await make_provider(api, service="residential", on_emergency_rota=True)
    assert_problem(
        await me.post(url, json={"provider_id": rota_home["id"]}),
        409,
        "emergency_provider_not_eligible",
        "R2",
    )
    rota_carer = await make_provider(api, service="foster_care", on_emergency_rota=True)
    assert (await me.post(url, json={"provider_id": rota_carer["id"]})).status_code == 201
    home, room = await provider_with_vacancy(api, service="residential")
    opened = await me.post(url, json={"provider_id": home["id"], "vacancy_id": room["id"]})
    assert opened.status_code == 201, opened.text


async def test_vacancy_must_belong_to_the_provider(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    provider, _ = await provider_with_vacancy(api)
    _, other_vacancy = await provider_with_vacancy(api)
    response = await officer(api).post(
        f"/v1/referrals/{referral['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": other_vacancy["id"]},
    )
    assert_problem(response, 422, "validation_error")


class PanelActionsOutstanding(DomainError):
    code = "panel_actions_outstanding"
    rule = "R4"


@pytest.fixture
def r4_check(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stands in for the panels area's R4 check, registered as it will be."""

    async def check(uow: object, referral: object) -> None:
        if getattr(referral, "needs", "") == "PANEL ACTIONS OUTSTANDING":
            raise PanelActionsOutstanding("Panel actions are outstanding.")

    monkeypatch.setattr(
        matching_service, "PROPOSE_CHECKS", (*matching_service.PROPOSE_CHECKS, check)
    )
    yield


async def test_r4_propose_checks_can_refuse_a_proposal(api: Api, r4_check: None) -> None:
    referral = await make_referral(api, unique_team(), needs="PANEL ACTIONS OUTSTANDING")
    provider, vacancy = await provider_with_vacancy(api)
    refused = await officer(api).post(
        f"/v1/referrals/{referral['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    assert_problem(refused, 409, "panel_actions_outstanding", "R4")
    me = officer(api)
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "submitted"


async def test_matches_roles_and_scope(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    body = {"provider_id": provider["id"], "vacancy_id": vacancy["id"]}
    practitioner = api.as_("practitioner", teams=[team])
    assert_problem(
        await practitioner.post(f"/v1/referrals/{referral['id']}/matches", json=body),
        403,
        "forbidden",
    )
    match = await propose(api, referral["id"], provider["id"], vacancy["id"])
    assert_problem(await practitioner.post(f"/v1/matches/{match['id']}/contact"), 403, "forbidden")
    # Their own team sees it; another team's practitioner gets 404 everywhere.
    assert (await practitioner.get(f"/v1/matches/{match['id']}")).status_code == 200
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(f"/v1/matches/{match['id']}"), 404, "not_found")
    assert_problem(await outsider.get(f"/v1/referrals/{referral['id']}/matches"), 404, "not_found")
    assert_problem(
        await api.as_("placements_officer").get(f"/v1/matches/{referral['id']}"),
        404,
        "not_found",
    )


async def test_r5_withdrawn_referral_lets_its_accepted_match_go(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    practitioner = api.as_("practitioner", teams=[team])
    withdrawn = await practitioner.post(
        f"/v1/referrals/{referral['id']}/withdraw", json={"reason": "Family placement"}
    )
    assert withdrawn.json()["status"] == "withdrawn"
    me = officer(api)
    # The withdrawal withdrew the match and freed its vacancy in the same transaction.
    assert (await me.get(f"/v1/matches/{match['id']}")).json()["status"] == "withdrawn"
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "open"
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "withdrawn"
    again = await me.post(f"/v1/matches/{match['id']}/withdraw")
    assert_problem(again, 409, "invalid_transition", rule="R5")


async def test_vacancy_events_carry_no_other_teams_ids(api: Api) -> None:
    """Vacancy events are in every team's feed: holding and filling a vacancy names the
    vacancy, provider and statuses, never the referral, person, match or placement."""
    team = unique_team()
    ctx = await planned_matched(api, team)
    placement = await confirm(api, ctx)
    secret_ids = {
        ctx["referral"]["id"],
        ctx["referral"]["person_id"],
        ctx["match"]["id"],
        placement["id"],
    }
    outsider = api.as_("practitioner", teams=[unique_team()])
    events = await outsider.get("/v1/events", params={"type": "vacancy.", "limit": 200})
    assert events.status_code == 200, events.text
    mine = [
        e
        for e in events.json()["items"]
        if e["subject"]["id"] == ctx["vacancy"]["id"] and e["type"] != "vacancy.created"
    ]
    assert [(e["type"], e["data"]["from"], e["data"]["to"]) for e in mine] == [
        ("vacancy.status_changed", "open", "held"),
        ("vacancy.status_changed", "held", "filled"),
    ]
    for event in mine:
        assert set(event["data"]) == {"vacancy_id", "from", "to", "provider_id"}
        assert not secret_ids & {str(v) for v in event["data"].values()}
    # the audit trail (admin only) still says which match held it
    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": ctx["vacancy"]["id"]})
    held = [a for a in audit.json()["items"] if a["action"] == "vacancy.held"]
    assert held[0]["after"]["match_id"] == ctx["match"]["id"]
