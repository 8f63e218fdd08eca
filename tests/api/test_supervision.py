"""Supervision over HTTP (R11): outcomes schedule the next one, roles, scope."""

from __future__ import annotations

import datetime as dt

from tests.support import Api, assert_problem, unique_team
from tests.support_flow import make_allocated


async def test_r11_next_in_8_weeks_over_a_month_end(api: Api) -> None:
    support = await make_allocated(api, unique_team(), allocated_on="2026-01-02")
    sv = support.supervision
    assert sv["due_on"] == "2026-01-30"
    held = await support.supervisor.post(
        f"/v1/supervisions/{sv['id']}/record",
        json={"held_on": "2026-01-30", "outcome": "next_in_8_weeks", "notes": "Stable"},
    )
    assert held.status_code == 200, held.text
    body = held.json()
    assert (body["status"], body["held_on"], body["outcome"], body["notes"]) == (
        "held",
        "2026-01-30",
        "next_in_8_weeks",
        "Stable",
    )
    nxt = (await support.supervisor.get(f"/v1/supervisions/{body['next_supervision_id']}")).json()
    assert (nxt["due_on"], nxt["support_worker"], nxt["previous_supervision_id"]) == (
        "2026-03-27",
        support.worker.sub,
        sv["id"],
    )
    # The worker's work now shows only the next supervision.
    mine = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R11"})
    assert [i["subject"]["id"] for i in mine.json()["items"]] == [nxt["id"]]


async def test_r11_service_ended_schedules_none(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    sv = support.supervision
    held = await support.supervisor.post(
        f"/v1/supervisions/{sv['id']}/record",
        json={"held_on": "2026-02-02", "outcome": "service_ended"},
    )
    assert held.status_code == 200 and held.json()["next_supervision_id"] is None
    listed = await support.supervisor.get(
        "/v1/supervisions", params={"support_worker": support.worker.sub}
    )
    assert [(s["id"], s["status"]) for s in listed.json()["items"]] == [(sv["id"], "held")]
    scheduled = await support.worker.get(
        "/v1/supervisions", params={"support_worker": "me", "status": "scheduled"}
    )
    assert scheduled.json()["items"] == []
    assert (await support.worker.get("/v1/work", params={"assignee": "me"})).json()["items"] == []
    again = await support.supervisor.post(
        f"/v1/supervisions/{sv['id']}/record",
        json={"held_on": "2026-02-02", "outcome": "next_in_4_weeks"},
    )
    assert_problem(again, 409, "invalid_transition", rule="R11")


async def test_r11_record_validation(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    url = f"/v1/supervisions/{support.supervision['id']}/record"
    bad = await support.supervisor.post(url, json={"held_on": "2026-02-02", "outcome": "weekly"})
    assert_problem(bad, 422, "validation_error")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    ahead = await support.supervisor.post(
        url, json={"held_on": future, "outcome": "next_in_4_weeks"}
    )
    assert_problem(ahead, 422, "validation_error", rule="R11")


async def test_r11_roles_scope_and_if_match(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    url = f"/v1/supervisions/{support.supervision['id']}"
    body = {"held_on": "2026-02-02", "outcome": "next_in_4_weeks"}
    for caller in (support.worker, support.ssw, api.as_("placements_manager")):
        assert_problem(await caller.post(f"{url}/record", json=body), 403, "forbidden")
    outsider = api.as_("practice_supervisor", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(f"{url}/record", json=body), 404, "not_found")
    assert (
        await outsider.get("/v1/supervisions", params={"support_worker": support.worker.sub})
    ).json()["items"] == []
    got = await support.supervisor.get(url)
    assert got.headers["ETag"] == '"1"'
    stale = await support.supervisor.post(f"{url}/record", json=body, headers={"If-Match": '"0"'})
    assert_problem(stale, 412, "precondition_failed")
    ok = await support.supervisor.post(
        f"{url}/record", json=body, headers={"If-Match": got.headers["ETag"]}
    )
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
