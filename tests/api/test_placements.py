"""Placements over HTTP: R7 confirm and end, R6 funding before a planned placement, the
planned foster flow end to end, the reviews seam (event), roles and scope."""

from __future__ import annotations

from typing import Any

from tests.pathway import (
    accepted_match,
    approved_funding,
    confirm,
    days_from_today,
    make_referral,
    officer,
    planned_matched,
    provider_with_vacancy,
)
from tests.support import Api, assert_problem, make_person, unique_team

# A planned placement that started a month ago, so that it can end today (R7).
START = days_from_today(-30)
TODAY = days_from_today(0)


async def confirmed_events(api: Api, placement_id: str) -> list[dict[str, Any]]:
    response = await api.as_("admin").get(
        "/v1/events", params={"type": "placement.confirmed", "limit": 200}
    )
    assert response.status_code == 200
    events = [e for e in response.json()["items"] if e["subject"]["id"] == placement_id]
    cursor = response.json()["next_cursor"]
    while cursor:
        more = await api.as_("admin").get(
            "/v1/events", params={"type": "placement.confirmed", "limit": 200, "cursor": cursor}
        )
        events += [e for e in more.json()["items"] if e["subject"]["id"] == placement_id]
        cursor = more.json()["next_cursor"]
    return events


async def test_planned_foster_flow_to_placed_with_team_manager_funding(api: Api) -> None:
    team = unique_team()
    practitioner = api.as_("practitioner", teams=[team])
    me = officer(api)
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api, service="foster_care", external=True)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matched"

    # R6: not yet funded.
    body = {
        "referral_id": referral["id"],
        "match_id": match["id"],
        "provider_id": provider["id"],
        "vacancy_id": vacancy["id"],
        "start_date": START,
    }
    assert_problem(await me.post("/v1/placements", json=body), 409, "funding_not_approved", "R6")
    # The author (a placements officer) writes and submits; a team manager approves.
    funding = await approved_funding(api, referral["id"], match["id"])
    assert funding["decided_by"] != funding["author"]

    confirmed = await me.post("/v1/placements", json=body)
    assert confirmed.status_code == 201, confirmed.text
    placement = confirmed.json()
    assert confirmed.headers["Location"].endswith(f"/v1/placements/{placement['id']}")
    assert {
        k: placement[k]
        for k in (
            "person_id",
            "provider_id",
            "vacancy_id",
            "referral_id",
            "start_date",
            "end_date",
            "status",
            "emergency",
        )
    } == {
        "person_id": referral["person_id"],
        "provider_id": provider["id"],
        "vacancy_id": vacancy["id"],
        "referral_id": referral["id"],
        "start_date": START,
        "end_date": None,
        "status": "active",
        "emergency": False,
    }
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "filled"
    assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "placed"
    linked = await me.get(f"/v1/funding-requests/{funding['id']}")
    assert linked.json()["placement_id"] == placement["id"]
    assert (await me.get(f"/v1/matches/{match['id']}")).json()["placed_at"] is not None

    # The seam for reviews (R12-R14, R17): the event carries what they need.
    [event] = await confirmed_events(api, placement["id"])
    data = event["data"]
    assert {
        k: data[k]
        for k in ("person_id", "cohort", "provider_service", "external", "emergency", "start_date")
    } == {
        "person_id": referral["person_id"],
        "cohort": "child",
        "provider_service": "foster_care",
        "external": True,
        "emergency": False,
        "start_date": START,
    }

    # Its owner team sees it and may attach documents to it.
    got = await practitioner.get(f"/v1/placements/{placement['id']}")
    assert got.status_code == 200 and got.headers["ETag"] == f'"{placement["version"]}"'
    upload = await me.post(
        f"/v1/placements/{placement['id']}/documents",
        files={"file": ("plan.txt", b"placement plan", "text/plain")},
        data={"kind": "placement_plan"},
    )
    assert upload.status_code == 201, upload.text
    docs = await practitioner.get(f"/v1/placements/{placement['id']}/documents")
    assert [d["kind"] for d in docs.json()["items"]] == ["placement_plan"]

    # A planned referral closes once placed; the placement ends and the vacancy opens.
    closed = await practitioner.post(f"/v1/referrals/{referral['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    etag = got.headers["ETag"]
    ended = await me.post(
        f"/v1/placements/{placement['id']}/end",
        json={"end_date": TODAY, "reason": "Moved to kinship care"},
        headers={"If-Match": etag},
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["end_date"]) == ("ended", TODAY)
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "open"
    assert_problem(
        await me.post(
            f"/v1/placements/{placement['id']}/end",
            json={"end_date": TODAY, "reason": "Again"},
        ),
        409,
        "invalid_transition",
        "R7",
    )


async def test_r6_submitted_but_undecided_funding_is_not_enough(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    me = officer(api)
    created = await me.post(
        "/v1/funding-requests",
        json={"referral_id": referral["id"], "match_id": match["id"], "weekly_cost_pence": 100},
    )
    await me.post(f"/v1/funding-requests/{created.json()['id']}/submit")
    response = await me.post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "start_date": START,
        },
    )
    assert_problem(response, 409, "funding_not_approved", "R6")
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "held"


async def test_r7_one_active_placement_per_person(api: Api) -> None:
    team = unique_team()
    ctx = await planned_matched(api, team)
    await confirm(api, ctx)
    person_id = ctx["referral"]["person_id"]
    # A second referral for the same person, emergency, placed straight from matching.
    second = await make_referral(api, team, person_id=person_id, urgency="emergency")
    provider, vacancy = await provider_with_vacancy(api)
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": second["id"],
            "provider_id": provider["id"],
            "vacancy_id": vacancy["id"],
            "start_date": TODAY,
        },
    )
    assert_problem(response, 409, "person_already_placed", "R7")
    assert (await officer(api).get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "open"
    listed = await officer(api).get(
        "/v1/placements", params={"person_id": person_id, "status": "active"}
    )
    assert len(listed.json()["items"]) == 1


async def test_r1_planned_referral_without_accepted_match_cannot_be_placed(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    provider, vacancy = await provider_with_vacancy(api)
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "vacancy_id": vacancy["id"],
            "start_date": START,
        },
    )
    assert_problem(response, 409, "invalid_transition", "R1")


async def test_confirm_must_agree_with_the_accepted_match(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    other, _ = await provider_with_vacancy(api)
    me = officer(api)
    body = {
        "referral_id": ctx["referral"]["id"],
        "provider_id": other["id"],
        "start_date": START,
    }
    assert_problem(await me.post("/v1/placements", json=body), 422, "validation_error")
    declined_provider, declined_vacancy = await provider_with_vacancy(api)
    another = await make_referral(api, unique_team())
    declined = await me.post(
        f"/v1/referrals/{another['id']}/matches",
        json={"provider_id": declined_provider["id"], "vacancy_id": declined_vacancy["id"]},
    )
    await me.post(f"/v1/matches/{declined.json()['id']}/decline")
    body = {
        "referral_id": ctx["referral"]["id"],
        "match_id": declined.json()["id"],
        "provider_id": ctx["provider"]["id"],
        "start_date": START,
    }
    assert_problem(await me.post("/v1/placements", json=body), 422, "validation_error")


async def test_r5_placed_match_cannot_be_withdrawn(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    await confirm(api, ctx)
    response = await officer(api).post(f"/v1/matches/{ctx['match']['id']}/withdraw")
    assert_problem(response, 409, "invalid_transition", "R5")


async def test_r7_end_date_before_start_is_422(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    placement = await confirm(api, ctx, start_date="2026-12-10")
    response = await officer(api).post(
        f"/v1/placements/{placement['id']}/end",
        json={"end_date": "2026-12-09", "reason": "Typo"},
    )
    assert_problem(response, 422, "validation_error", "R7")


async def test_placements_roles_and_scope(api: Api) -> None:
    team = unique_team()
    ctx = await planned_matched(api, team)
    practitioner = api.as_("practitioner", teams=[team])
    body = {
        "referral_id": ctx["referral"]["id"],
        "provider_id": ctx["provider"]["id"],
        "start_date": START,
    }
    assert_problem(await practitioner.post("/v1/placements", json=body), 403, "forbidden")
    placement = await confirm(api, ctx)
    url = f"/v1/placements/{placement['id']}"
    assert_problem(
        await practitioner.post(f"{url}/end", json={"end_date": TODAY, "reason": "x"}),
        403,
        "forbidden",
    )
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(f"{url}/courtesy-call"), 404, "not_found")
    assert_problem(await outsider.get(f"{url}/documents"), 404, "not_found")
    person_id = ctx["referral"]["person_id"]
    assert (await outsider.get("/v1/placements", params={"person_id": person_id})).json()[
        "items"
    ] == []
    mine = await practitioner.get("/v1/placements", params={"person_id": person_id})
    assert [p["id"] for p in mine.json()["items"]] == [placement["id"]]
    ended = await practitioner.get(
        "/v1/placements", params={"person_id": person_id, "status": "ended"}
    )
    assert ended.json()["items"] == []


async def test_unknown_referral_is_404(api: Api) -> None:
    person = await make_person(api, unique_team())
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": person["id"],
            "provider_id": person["id"],
            "start_date": START,
        },
    )
    assert_problem(response, 404, "not_found")
