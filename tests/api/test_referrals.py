"""Referrals over HTTP: R1 lifecycle actions and R2 emergency submit."""

from __future__ import annotations

from typing import Any

from tests.support import Api, assert_problem, make_person, unique_team


async def make_referral(api: Api, team: str, **overrides: Any) -> dict[str, Any]:
    person = await make_person(api, team)
    body = {
        "person_id": person["id"],
        "urgency": "planned",
        "service": "foster_care",
        "needs": "A foster home near school.",
        "requested_start": "2026-12-01",
    }
    body.update(overrides)
    me = api.as_("practitioner", teams=[team])
    response = await me.post("/v1/referrals", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_r1_planned_referral_submits_then_cannot_submit_again(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    assert referral["status"] == "draft"
    submitted = await me.post(f"/v1/referrals/{referral['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    again = await me.post(f"/v1/referrals/{referral['id']}/submit")
    assert_problem(again, 409, "invalid_transition", rule="R1")


async def test_r1_close_from_draft_is_refused_and_withdraw_takes_an_optional_reason(
    api: Api,
) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    url = f"/v1/referrals/{referral['id']}"
    assert_problem(await me.post(f"{url}/close"), 409, "invalid_transition", rule="R1")
    assert_problem(await me.post(f"{url}/withdraw", json={"reason": ""}), 422, "validation_error")
    done = await me.post(f"{url}/withdraw", json={"reason": "Family found support"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert done.json()["withdrawn_reason"] == "Family found support"
    bare = await make_referral(api, team)
    plain = await me.post(f"/v1/referrals/{bare['id']}/withdraw")
    assert plain.status_code == 200 and plain.json()["status"] == "withdrawn"
    assert_problem(await me.post(f"{url}/submit"), 409, "invalid_transition", rule="R1")


async def test_r2_emergency_goes_to_matching_and_raises_work_for_placements(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team, urgency="emergency")
    submitted = await me.post(f"/v1/referrals/{referral['id']}/submit")
    assert submitted.json()["status"] == "matching"
    officer = api.as_("placements_officer", teams=["placements"])
    work = await officer.get(
        "/v1/work", params={"team": "placements", "subject_id": referral["id"]}
    )
    items = work.json()["items"]
    assert [(i["kind"], i["rule"], i["state"]) for i in items] == [
        ("emergency_referral", "R2", "due")
    ]


async def test_r2_emergency_supported_living_is_422(api: Api) -> None:
    team = unique_team()
    person = await make_person(api, team, cohort="adult", date_of_birth="1990-01-01")
    me = api.as_("practitioner", teams=[team])
    response = await me.post(
        "/v1/referrals",
        json={
            "person_id": person["id"],
            "urgency": "emergency",
            "service": "supported_living",
            "needs": "Tenancy",
            "requested_start": "2026-12-01",
        },
    )
    assert_problem(response, 422, "validation_error", rule="R2")


async def test_referral_scope_and_roles(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(f"/v1/referrals/{referral['id']}"), 404, "not_found")
    assert_problem(await outsider.post(f"/v1/referrals/{referral['id']}/submit"), 404, "not_found")
    officer = api.as_("placements_officer")
    assert_problem(await officer.post(f"/v1/referrals/{referral['id']}/submit"), 403, "forbidden")
    listed = await officer.get("/v1/referrals", params={"person_id": referral["person_id"]})
    assert [r["id"] for r in listed.json()["items"]] == [referral["id"]]


async def test_r2_domain_422_lists_errors_too(api: Api) -> None:
    team = unique_team()
    person = await make_person(api, team, cohort="adult", date_of_birth="1990-01-01")
    me = api.as_("practitioner", teams=[team])
    response = await me.post(
        "/v1/referrals",
        json={
            "person_id": person["id"],
            "urgency": "emergency",
            "service": "supported_living",
            "needs": "Tenancy",
            "requested_start": "2026-12-01",
        },
    )
    body = assert_problem(response, 422, "validation_error", rule="R2")
    assert body["errors"] and body["errors"][0]["loc"] and body["errors"][0]["msg"]
