"""Funding requests over HTTP (R6): draft, edit, submit, decide; money in pence; the
decider is never the author; work items for the team's managers; roles and scope."""

from __future__ import annotations

from typing import Any

from tests.pathway import accepted_match, make_referral, officer, provider_with_vacancy
from tests.support import Api, Caller, assert_problem, unique_team


async def matched_referral(api: Api, team: str) -> dict[str, Any]:
    """A planned referral with an accepted match: its costings name the match (R6)."""
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    return {**referral, "match_id": match["id"]}


async def draft(caller: Caller, referral_id: str, **overrides: Any) -> dict[str, Any]:
    body = {"referral_id": referral_id, "weekly_cost_pence": 92_500, "one_off_cost_pence": 15_000}
    body.update(overrides)
    response = await caller.post("/v1/funding-requests", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_r6_draft_submit_approve_by_a_team_manager(api: Api) -> None:
    team = unique_team()
    referral = await matched_referral(api, team)
    author = officer(api)
    created = await author.post(
        "/v1/funding-requests",
        json={
            "referral_id": referral["id"],
            "match_id": referral["match_id"],
            "weekly_cost_pence": 92_500,
            "notes": "Costings",
        },
    )
    assert created.status_code == 201, created.text
    request = created.json()
    url = f"/v1/funding-requests/{request['id']}"
    assert created.headers["Location"].endswith(url)
    assert {k: request[k] for k in ("referral_id", "placement_id", "status", "author")} == {
        "referral_id": referral["id"],
        "placement_id": None,
        "status": "draft",
        "author": author.sub,
    }
    assert (request["weekly_cost_pence"], request["one_off_cost_pence"]) == (92_500, 0)

    etag = (await author.get(url)).headers["ETag"]
    patched = await author.patch(
        url, json={"one_off_cost_pence": 5_000}, headers={"If-Match": etag}
    )
    assert patched.status_code == 200 and patched.json()["one_off_cost_pence"] == 5_000
    assert_problem(
        await author.patch(url, json={"one_off_cost_pence": 1}, headers={"If-Match": etag}),
        412,
        "precondition_failed",
    )
    submitted = await author.post(f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert_problem(
        await author.patch(url, json={"weekly_cost_pence": 1}), 409, "invalid_transition", "R6"
    )

    manager = api.as_("team_manager", teams=[team])
    work = await manager.get("/v1/work", params={"team": team, "subject_id": request["id"]})
    assert [(i["kind"], i["rule"]) for i in work.json()["items"]] == [("funding_decision", "R6")]

    approved = await manager.post(f"{url}/decision", json={"outcome": "approved"})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["decided_by"]) == ("approved", manager.sub)
    assert body["decided_at"] is not None
    work = await manager.get("/v1/work", params={"team": team, "subject_id": request["id"]})
    assert work.json()["items"] == []
    again = await manager.post(f"{url}/decision", json={"outcome": "rejected", "reason": "No"})
    assert_problem(again, 409, "invalid_transition", "R6")
    events = await api.as_("admin").get("/v1/audit", params={"subject_id": request["id"]})
    # Revision 2 (R19): reads are audited too; this pins the changes.
    changes = [e["action"] for e in events.json()["items"] if not e["action"].endswith("read")]
    assert changes == [
        "funding_request.created",
        "funding_request.updated",
        "funding_request.submitted",
        "funding_request.approved",
    ]


async def test_r6_returned_request_is_edited_and_resubmitted_then_rejected(api: Api) -> None:
    # Revision 2: a team manager signs off a child's placement (R6), not a panel member.
    referral = await matched_referral(api, unique_team())
    author = api.as_("practitioner", teams=[referral["team"]])
    request = await draft(author, referral["id"], match_id=referral["match_id"])
    url = f"/v1/funding-requests/{request['id']}"
    await author.post(f"{url}/submit")
    panel = api.as_("team_manager")
    assert_problem(
        await panel.post(f"{url}/decision", json={"outcome": "returned"}), 422, "validation_error"
    )
    returned = await panel.post(
        f"{url}/decision", json={"outcome": "returned", "reason": "Add transport"}
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["reason"] == "Add transport"
    edited = await author.patch(url, json={"one_off_cost_pence": 20_000})
    assert edited.status_code == 200 and edited.json()["status"] == "returned"
    assert (await author.post(f"{url}/submit")).json()["status"] == "submitted"
    rejected = await panel.post(f"{url}/decision", json={"outcome": "rejected", "reason": "Cost"})
    assert rejected.json()["status"] == "rejected"
    assert_problem(await author.post(f"{url}/submit"), 409, "invalid_transition", "R6")


async def test_r6_decider_cannot_be_the_author(api: Api) -> None:
    referral = await matched_referral(api, unique_team())
    both = api.as_("placements_officer", "team_manager")
    request = await draft(both, referral["id"], match_id=referral["match_id"])
    url = f"/v1/funding-requests/{request['id']}"
    await both.post(f"{url}/submit")
    assert_problem(
        await both.post(f"{url}/decision", json={"outcome": "approved"}),
        409,
        "decider_is_author",
        "R6",
    )
    assert (await both.get(url)).json()["status"] == "submitted"


async def test_r6_four_eyes_an_editor_or_submitter_cannot_decide(api: Api) -> None:
    team = unique_team()
    referral = await matched_referral(api, team)
    author = api.as_("practitioner", teams=[team])
    request = await draft(author, referral["id"], match_id=referral["match_id"])
    assert request["edited_by"] == [author.sub]
    url = f"/v1/funding-requests/{request['id']}"
    # practitioner + team_manager edits someone else's draft to a new cost, submits it...
    both = api.as_("practitioner", "team_manager", teams=[team])
    edited = await both.patch(url, json={"weekly_cost_pence": 250_000})
    assert edited.status_code == 200, edited.text
    assert edited.json()["edited_by"] == [author.sub, both.sub]
    assert (await both.post(f"{url}/submit")).json()["status"] == "submitted"
    # ... and cannot approve it
    assert_problem(
        await both.post(f"{url}/decision", json={"outcome": "approved"}),
        409,
        "decider_is_author",
        "R6",
    )
    # one who only submitted cannot decide either
    request2 = await draft(author, referral["id"], match_id=referral["match_id"])
    url2 = f"/v1/funding-requests/{request2['id']}"
    submitter = api.as_("practitioner", "team_manager", teams=[team])
    submitted = await submitter.post(f"{url2}/submit")
    assert submitted.json()["edited_by"] == [author.sub, submitter.sub]
    assert_problem(
        await submitter.post(f"{url2}/decision", json={"outcome": "approved"}),
        409,
        "decider_is_author",
        "R6",
    )
    # a manager who never touched it decides
    manager = api.as_("team_manager", teams=[team])
    approved = await manager.post(f"{url}/decision", json={"outcome": "approved"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", manager.sub)
    assert approved.json()["edited_by"] == [author.sub, both.sub]


async def test_r6_money_is_strict_non_negative_integer_pence(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    me = officer(api)
    for bad in (-1, 12.5, "100", None):
        response = await me.post(
            "/v1/funding-requests",
            json={"referral_id": referral["id"], "weekly_cost_pence": bad},
        )
        assert_problem(response, 422, "validation_error")


async def test_r6_roles_and_scope(api: Api) -> None:
    team = unique_team()
    referral = await matched_referral(api, team)
    manager = api.as_("team_manager", teams=[team])
    assert_problem(
        await manager.post(
            "/v1/funding-requests", json={"referral_id": referral["id"], "weekly_cost_pence": 1}
        ),
        403,
        "forbidden",
    )
    author = officer(api)
    request = await draft(author, referral["id"], match_id=referral["match_id"])
    url = f"/v1/funding-requests/{request['id']}"
    await author.post(f"{url}/submit")
    practitioner = api.as_("practitioner", teams=[team])
    assert_problem(
        await practitioner.post(f"{url}/decision", json={"outcome": "approved"}), 403, "forbidden"
    )
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(f"{url}/submit"), 404, "not_found")
    listed = await outsider.get("/v1/funding-requests", params={"referral_id": referral["id"]})
    assert listed.json()["items"] == []
    mine = await practitioner.get(
        "/v1/funding-requests", params={"referral_id": referral["id"], "status": "submitted"}
    )
    assert [r["id"] for r in mine.json()["items"]] == [request["id"]]
    none = await practitioner.get(
        "/v1/funding-requests", params={"referral_id": referral["id"], "status": "approved"}
    )
    assert none.json()["items"] == []


async def test_r6_draft_referral_cannot_have_funding(api: Api) -> None:
    referral = await make_referral(api, unique_team(), submit=False)
    response = await officer(api).post(
        "/v1/funding-requests", json={"referral_id": referral["id"], "weekly_cost_pence": 1}
    )
    assert_problem(response, 409, "invalid_transition", "R6")
