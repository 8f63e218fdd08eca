"""Casework over HTTP (R9): the 10-contact checkpoint, answers yes and no, roles, scope."""

from __future__ import annotations

import datetime as dt

from tests.support import Api, assert_problem, unique_team
from tests.support_flow import add_contacts, contact_body, make_allocated


async def test_r9_eleventh_contact_is_refused(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    ep = support.episode["id"]
    await add_contacts(support.worker, ep, 9)
    tenth = await support.worker.post(f"/v1/casework-episodes/{ep}/contacts", json=contact_body(10))
    assert tenth.status_code == 201 and tenth.json()["number"] == 10
    assert tenth.headers["Location"].endswith(
        f"/v1/casework-episodes/{ep}/contacts/{tenth.json()['id']}"
    )
    again = await support.worker.get(tenth.headers["Location"])
    assert again.status_code == 200 and again.json()["id"] == tenth.json()["id"]
    for caller in (support.worker, support.supervisor):
        response = await caller.post(f"/v1/casework-episodes/{ep}/contacts", json=contact_body(11))
        assert_problem(response, 409, "casework_checkpoint_due", rule="R9")
    episode = await support.worker.get(f"/v1/casework-episodes/{ep}")
    assert episode.json()["contact_count"] == 10 and episode.json()["status"] == "checkpoint_due"
    assert episode.json()["checkpoint_due_at"] is not None
    listed = await support.worker.get(f"/v1/casework-episodes/{ep}/contacts")
    assert [c["number"] for c in listed.json()["items"]] == list(range(1, 11))


async def test_r9_checkpoint_is_work_for_the_support_worker_until_answered(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    ep = support.episode["id"]
    await add_contacts(support.worker, ep, 9)
    mine = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R9"})
    assert mine.json()["items"] == []
    await add_contacts(support.worker, ep, 1, start=10)
    mine = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R9"})
    assert [(i["kind"], i["subject"]["id"], i["state"]) for i in mine.json()["items"]] == [
        ("casework_checkpoint", ep, "due")
    ]
    answered = await support.worker.post(
        f"/v1/casework-episodes/{ep}/checkpoint",
        json={"still_required": True, "completed_by": support.worker.sub},
    )
    assert answered.status_code == 200, answered.text
    mine = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R9"})
    assert mine.json()["items"] == []


async def test_r9_checkpoint_yes_links_episodes_both_ways(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    ep1 = support.episode["id"]
    await add_contacts(support.worker, ep1, 10)
    answered = await support.worker.post(
        f"/v1/casework-episodes/{ep1}/checkpoint",
        json={"still_required": True, "completed_by": "Jo Carer and PSW"},
    )
    body = answered.json()
    assert (body["status"], body["still_required"], body["completed_by"]) == (
        "continued",
        True,
        "Jo Carer and PSW",
    )
    ep2 = body["next_episode_id"]
    second = (await support.worker.get(f"/v1/casework-episodes/{ep2}")).json()
    assert (second["sequence"], second["previous_episode_id"], second["contact_count"]) == (
        2,
        ep1,
        0,
    )
    contact = await support.worker.post(
        f"/v1/casework-episodes/{ep2}/contacts", json=contact_body()
    )
    assert contact.status_code == 201 and contact.json()["number"] == 1
    # The continued episode takes no more contacts and no second answer.
    assert_problem(
        await support.worker.post(f"/v1/casework-episodes/{ep1}/contacts", json=contact_body()),
        409,
        "invalid_transition",
        rule="R9",
    )
    assert_problem(
        await support.worker.post(
            f"/v1/casework-episodes/{ep1}/checkpoint",
            json={"still_required": True, "completed_by": support.worker.sub},
        ),
        409,
        "invalid_transition",
        rule="R9",
    )
    listed = await support.supervisor.get(
        "/v1/casework-episodes", params={"support_request_id": support.request["id"]}
    )
    assert [(e["sequence"], e["status"]) for e in listed.json()["items"]] == [
        (1, "continued"),
        (2, "open"),
    ]
    only_open = await support.supervisor.get(
        "/v1/casework-episodes",
        params={"support_request_id": support.request["id"], "status": "open"},
    )
    assert [e["id"] for e in only_open.json()["items"]] == [ep2]


async def test_r9_checkpoint_answered_early_at_supervision_ends_support(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    ep = support.episode["id"]
    await add_contacts(support.worker, ep, 3)
    answered = await support.supervisor.post(
        f"/v1/casework-episodes/{ep}/checkpoint",
        json={"still_required": False, "completed_by": support.supervisor.sub},
    )
    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["contact_count"]) == ("closed", 3)
    request = await support.supervisor.get(f"/v1/support-requests/{support.request['id']}")
    assert request.json()["status"] == "closed"
    supervision = await support.supervisor.get(f"/v1/supervisions/{support.supervision['id']}")
    assert supervision.json()["status"] == "cancelled"
    team_work = await support.supervisor.get(
        "/v1/work", params={"subject_id": support.supervision["id"]}
    )
    assert team_work.json()["items"] == []
    assert_problem(
        await support.worker.post(f"/v1/casework-episodes/{ep}/contacts", json=contact_body()),
        409,
        "invalid_transition",
        rule="R9",
    )


async def test_r9_only_the_allocated_worker_or_a_practice_supervisor(api: Api) -> None:
    support_team = unique_team()
    support = await make_allocated(api, support_team)
    ep = support.episode["id"]
    other_worker = api.as_("support_worker", teams=[support_team])
    for caller in (
        other_worker,
        api.as_("supervising_social_worker", teams=[support_team]),
        api.as_("practitioner", teams=[support_team]),
        api.as_("placements_manager"),
    ):
        assert_problem(
            await caller.post(f"/v1/casework-episodes/{ep}/contacts", json=contact_body()),
            403,
            "forbidden",
        )
        assert_problem(
            await caller.post(
                f"/v1/casework-episodes/{ep}/checkpoint",
                json={"still_required": True, "completed_by": caller.sub},
            ),
            403,
            "forbidden",
        )
    outsider = api.as_("practice_supervisor", teams=[unique_team()])
    assert_problem(await outsider.get(f"/v1/casework-episodes/{ep}"), 404, "not_found")
    assert_problem(await outsider.get(f"/v1/casework-episodes/{ep}/contacts"), 404, "not_found")
    assert_problem(
        await outsider.post(f"/v1/casework-episodes/{ep}/contacts", json=contact_body()),
        404,
        "not_found",
    )
    listed = await outsider.get(
        "/v1/casework-episodes", params={"support_request_id": support.request["id"]}
    )
    assert listed.json()["items"] == []
    episode = await support.worker.get(f"/v1/casework-episodes/{ep}")
    assert episode.json()["contact_count"] == 0


async def test_r9_contact_body_is_validated(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    url = f"/v1/casework-episodes/{support.episode['id']}/contacts"
    bad_method = {**contact_body(), "method": "telepathy"}
    assert_problem(await support.worker.post(url, json=bad_method), 422, "validation_error")
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    future = await support.worker.post(url, json=contact_body(contact_on=tomorrow))
    assert_problem(future, 422, "validation_error", rule="R9")
    extra = {**contact_body(), "number": 10}
    assert_problem(await support.worker.post(url, json=extra), 422, "validation_error")


async def test_r9_episode_etag_and_if_match_on_checkpoint(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    url = f"/v1/casework-episodes/{support.episode['id']}"
    got = await support.worker.get(url)
    etag = got.headers["ETag"]
    await add_contacts(support.worker, support.episode["id"], 1)
    stale = await support.worker.post(
        f"{url}/checkpoint",
        json={"still_required": True, "completed_by": "x"},
        headers={"If-Match": etag},
    )
    assert_problem(stale, 412, "precondition_failed")
    fresh = (await support.worker.get(url)).headers["ETag"]
    assert fresh != etag
    ok = await support.worker.post(
        f"{url}/checkpoint",
        json={"still_required": True, "completed_by": "x"},
        headers={"If-Match": fresh},
    )
    assert ok.status_code == 200, ok.text


async def test_r9_concurrent_contacts_never_exceed_ten_on_either_database(api: Api) -> None:
    """SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL locks the episode row."""
    import asyncio

    support = await make_allocated(api, unique_team())
    url = f"/v1/casework-episodes/{support.episode['id']}/contacts"
    responses = await asyncio.gather(
        *(support.worker.post(url, json=contact_body(n)) for n in range(14))
    )
    codes = sorted(
        (r.status_code, r.json().get("code") if r.status_code >= 400 else None) for r in responses
    )
    assert codes == [(201, None)] * 10 + [(409, "casework_checkpoint_due")] * 4
    episode = (await support.worker.get(f"/v1/casework-episodes/{support.episode['id']}")).json()
    assert episode["contact_count"] == 10
