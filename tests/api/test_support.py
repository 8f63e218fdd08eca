"""Support requests over HTTP (R8), and the whole placement support flow (R8-R11)."""

from __future__ import annotations

from tests.support import Api, assert_problem, make_provider, unique_team
from tests.support_flow import (
    add_contacts,
    contact_body,
    make_allocated,
    make_foster_carer,
    make_request,
    make_submitted,
    upload,
)


async def test_r8_submit_without_risk_assessment_is_refused(api: Api) -> None:
    team = unique_team()
    ssw = api.as_("supervising_social_worker", teams=[team])
    request = await make_request(api, team)
    url = f"/v1/support-requests/{request['id']}"
    assert request["status"] == "draft" and request["requested_by"].startswith("user-")
    assert_problem(await ssw.post(f"{url}/submit"), 409, "risk_assessment_required", rule="R8")
    # Another kind of document does not count.
    assert (await upload(ssw, request["id"], kind="placement_plan")).status_code == 201
    assert_problem(await ssw.post(f"{url}/submit"), 409, "risk_assessment_required", rule="R8")
    assert (await upload(ssw, request["id"])).status_code == 201
    submitted = await ssw.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by"] == ssw.sub
    assert_problem(await ssw.post(f"{url}/submit"), 409, "invalid_transition", rule="R8")


async def test_r8_submitted_request_is_work_for_the_team_until_decided(api: Api) -> None:
    team = unique_team()
    request = await make_submitted(api, team)
    supervisor = api.as_("practice_supervisor", teams=[team])
    work = await supervisor.get("/v1/work", params={"team": team, "subject_id": request["id"]})
    assert [(i["kind"], i["rule"], i["state"]) for i in work.json()["items"]] == [
        ("support_request_decision", "R8", "due")
    ]
    decided = await supervisor.post(
        f"/v1/support-requests/{request['id']}/decision",
        json={"allocated": False, "nfa_reason": "carer_declined_support"},
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["status"], body["nfa_reason"], body["allocated"]) == (
        "not_allocated",
        "carer_declined_support",
        False,
    )
    work = await supervisor.get("/v1/work", params={"team": team, "subject_id": request["id"]})
    assert work.json()["items"] == []
    episodes = await supervisor.get(
        "/v1/casework-episodes", params={"support_request_id": request["id"]}
    )
    assert episodes.json()["items"] == []


async def test_r8_provider_must_be_a_foster_carer(api: Api) -> None:
    team = unique_team()
    home = await make_provider(api, service="residential", team=team)
    ssw = api.as_("supervising_social_worker", teams=[team])
    response = await ssw.post(
        "/v1/support-requests", json={"provider_id": home["id"], "reason": "Help"}
    )
    assert_problem(response, 422, "validation_error", rule="R8")


async def test_r8_decision_needs_policy_nfa_reason_and_a_complete_body(api: Api) -> None:
    team = unique_team()
    request = await make_submitted(api, team)
    supervisor = api.as_("practice_supervisor", teams=[team])
    url = f"/v1/support-requests/{request['id']}/decision"
    bad_reason = await supervisor.post(url, json={"allocated": False, "nfa_reason": "bored"})
    assert_problem(bad_reason, 422, "validation_error", rule="R8")
    assert_problem(await supervisor.post(url, json={"allocated": True}), 422, "validation_error")
    mixed = {"allocated": False, "nfa_reason": "other", "support_worker": "x"}
    assert_problem(await supervisor.post(url, json=mixed), 422, "validation_error")
    still = await supervisor.get(f"/v1/support-requests/{request['id']}")
    assert still.json()["status"] == "submitted"


async def test_r8_decision_only_once_and_not_before_submit(api: Api) -> None:
    team = unique_team()
    supervisor = api.as_("practice_supervisor", teams=[team])
    draft = await make_request(api, team)
    allocate = {"allocated": True, "allocated_on": "2026-01-05", "support_worker": "psw-1"}
    early = await supervisor.post(f"/v1/support-requests/{draft['id']}/decision", json=allocate)
    assert_problem(early, 409, "invalid_transition", rule="R8")
    support = await make_allocated(api, team)
    again = await supervisor.post(
        f"/v1/support-requests/{support.request['id']}/decision", json=allocate
    )
    assert_problem(again, 409, "invalid_transition", rule="R8")


async def test_r8_allocation_opens_episode_1_and_first_supervision(api: Api) -> None:
    team = unique_team()
    support = await make_allocated(api, team, allocated_on="2026-01-30")
    assert support.request["status"] == "allocated"
    assert support.request["support_worker"] == support.worker.sub
    assert support.request["allocated_on"] == "2026-01-30"
    ep = support.episode
    assert (ep["sequence"], ep["contact_count"], ep["status"]) == (1, 0, "open")
    assert ep["previous_episode_id"] is None and ep["next_episode_id"] is None
    sv = support.supervision
    assert (sv["support_worker"], sv["due_on"], sv["status"]) == (
        support.worker.sub,
        "2026-02-27",  # 4 weeks (policy.first_supervision_weeks) after allocation
        "scheduled",
    )
    assert sv["casework_episode_id"] == ep["id"]
    mine = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R11"})
    assert [(i["kind"], i["subject"]["id"], i["due_at"]) for i in mine.json()["items"]] == [
        ("case_supervision", sv["id"], "2026-02-27T23:59:59Z")
    ]
    team_items = await support.supervisor.get("/v1/work", params={"team": team, "rule": "R11"})
    assert [i["subject"]["id"] for i in team_items.json()["items"]] == [sv["id"]]
    events = await api.as_("admin").get(
        "/v1/events", params={"type": "support_request.allocated", "limit": 200}
    )
    assert support.request["id"] in {e["subject"]["id"] for e in events.json()["items"]}


async def test_r8_roles(api: Api) -> None:
    team = unique_team()
    carer = await make_foster_carer(api, team)
    body = {"provider_id": carer["id"], "reason": "Help"}
    for role in ("practitioner", "practice_supervisor", "support_worker", "placements_officer"):
        caller = api.as_(role, teams=[team])
        assert_problem(await caller.post("/v1/support-requests", json=body), 403, "forbidden")
    request = await make_request(api, team)
    supervisor = api.as_("practice_supervisor", teams=[team])
    assert_problem(await upload(supervisor, request["id"]), 403, "forbidden")
    assert_problem(
        await supervisor.post(f"/v1/support-requests/{request['id']}/submit"), 403, "forbidden"
    )
    submitted = await make_submitted(api, team)
    ssw = api.as_("supervising_social_worker", teams=[team])
    decision = {"allocated": False, "nfa_reason": "other"}
    response = await ssw.post(f"/v1/support-requests/{submitted['id']}/decision", json=decision)
    assert_problem(response, 403, "forbidden")


async def test_r8_scope_is_the_foster_carers_team(api: Api) -> None:
    team = unique_team()
    request = await make_request(api, team)
    url = f"/v1/support-requests/{request['id']}"
    for role in ("supervising_social_worker", "practice_supervisor", "support_worker"):
        outsider = api.as_(role, teams=[unique_team()])
        assert_problem(await outsider.get(url), 404, "not_found")
        assert_problem(await outsider.post(f"{url}/submit"), 404, "not_found")
        assert_problem(await outsider.get(f"{url}/documents"), 404, "not_found")
        listed = await outsider.get(
            "/v1/support-requests", params={"provider_id": request["provider_id"]}
        )
        assert listed.json()["items"] == []
    # Cross-team roles see it; a team-scoped SSW cannot ask for another team's carer.
    officer = api.as_("placements_officer")
    assert (await officer.get(url)).status_code == 200
    carer = await make_foster_carer(api, team)
    stranger = api.as_("supervising_social_worker", teams=[unique_team()])
    response = await stranger.post(
        "/v1/support-requests", json={"provider_id": carer["id"], "reason": "Help"}
    )
    assert_problem(response, 403, "forbidden")


async def test_support_request_etag_and_if_match(api: Api) -> None:
    team = unique_team()
    request = await make_request(api, team)
    ssw = api.as_("supervising_social_worker", teams=[team])
    url = f"/v1/support-requests/{request['id']}"
    got = await ssw.get(url)
    assert got.headers["ETag"] == '"1"'
    assert (await upload(ssw, request["id"])).status_code == 201
    stale = await ssw.post(f"{url}/submit", headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "precondition_failed")
    fresh = await ssw.post(f"{url}/submit", headers={"If-Match": got.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'


async def test_support_request_list_filters(api: Api) -> None:
    team = unique_team()
    first = await make_request(api, team)
    second = await make_submitted(api, team)
    supervisor = api.as_("practice_supervisor", teams=[team])
    everything = await supervisor.get("/v1/support-requests")
    assert {r["id"] for r in everything.json()["items"]} == {first["id"], second["id"]}
    drafts = await supervisor.get("/v1/support-requests", params={"status": "draft"})
    assert [r["id"] for r in drafts.json()["items"]] == [first["id"]]
    by_provider = await supervisor.get(
        "/v1/support-requests", params={"provider_id": second["provider_id"]}
    )
    assert [r["id"] for r in by_provider.json()["items"]] == [second["id"]]
    assert_problem(
        await supervisor.get("/v1/support-requests", params={"status": "nope"}),
        422,
        "validation_error",
    )


async def test_full_placement_support_flow(api: Api) -> None:
    """Request -> risk assessment -> submit -> allocation -> 10 contacts -> 11th refused ->
    checkpoint yes -> contacts in episode 2 -> supervision held (4 weeks) -> next held
    (8 weeks) -> checkpoint no -> closed (R8-R11)."""
    team = unique_team()
    support = await make_allocated(api, team, allocated_on="2026-01-05")
    worker, supervisor = support.worker, support.supervisor
    ep1 = support.episode["id"]

    await add_contacts(worker, ep1, 10)
    eleventh = await worker.post(f"/v1/casework-episodes/{ep1}/contacts", json=contact_body(11))
    assert_problem(eleventh, 409, "casework_checkpoint_due", rule="R9")
    episode = (await worker.get(f"/v1/casework-episodes/{ep1}")).json()
    assert (episode["contact_count"], episode["status"]) == (10, "checkpoint_due")

    answered = await worker.post(
        f"/v1/casework-episodes/{ep1}/checkpoint",
        json={"still_required": True, "completed_by": worker.sub},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "continued"
    ep2 = answered.json()["next_episode_id"]
    episode2 = (await worker.get(f"/v1/casework-episodes/{ep2}")).json()
    assert (episode2["sequence"], episode2["previous_episode_id"], episode2["status"]) == (
        2,
        ep1,
        "open",
    )
    await add_contacts(worker, ep2, 3, start=11)

    first = support.supervision
    assert first["due_on"] == "2026-02-02"
    held = await supervisor.post(
        f"/v1/supervisions/{first['id']}/record",
        json={"held_on": "2026-02-03", "outcome": "next_in_4_weeks", "notes": "Going well"},
    )
    assert held.status_code == 200, held.text
    second_id = held.json()["next_supervision_id"]
    second = (await supervisor.get(f"/v1/supervisions/{second_id}")).json()
    assert (second["due_on"], second["status"], second["support_worker"]) == (
        "2026-03-03",
        "scheduled",
        worker.sub,
    )
    held2 = await supervisor.post(
        f"/v1/supervisions/{second_id}/record",
        json={"held_on": "2026-03-03", "outcome": "next_in_8_weeks"},
    )
    assert held2.status_code == 200, held2.text
    third = (await supervisor.get(f"/v1/supervisions/{held2.json()['next_supervision_id']}")).json()
    assert (third["due_on"], third["status"]) == ("2026-04-28", "scheduled")

    closed = await worker.post(
        f"/v1/casework-episodes/{ep2}/checkpoint",
        json={"still_required": False, "completed_by": worker.sub},
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["next_episode_id"]) == ("closed", None)
    request = (await supervisor.get(f"/v1/support-requests/{support.request['id']}")).json()
    assert request["status"] == "closed" and request["closed_at"]
    third_after = (await supervisor.get(f"/v1/supervisions/{third['id']}")).json()
    assert (third_after["status"], third_after["cancelled_reason"]) == (
        "cancelled",
        "service_ended",
    )
    refused = await worker.post(f"/v1/casework-episodes/{ep2}/contacts", json=contact_body(99))
    assert_problem(refused, 409, "invalid_transition", rule="R9")
    mine = await worker.get("/v1/work", params={"assignee": "me"})
    assert mine.json()["items"] == []
    contacts = await worker.get(f"/v1/casework-episodes/{ep2}/contacts")
    assert [c["number"] for c in contacts.json()["items"]] == [1, 2, 3]

    admin = api.as_("admin")
    types = []
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        feed = (await admin.get("/v1/events", params=params)).json()
        types += [
            e["type"]
            for e in feed["items"]
            if e["data"].get("support_request_id") == support.request["id"]
            or e["subject"]["id"] == support.request["id"]
        ]
        cursor = feed["next_cursor"]
        if cursor is None:
            break
    for expected in (
        "support_request.allocated",
        "casework_episode.opened",
        "casework_contact.recorded",
        "casework_episode.checkpoint_due",
        "casework_episode.continued",
        "supervision.held",
        "supervision.cancelled",
        "casework_episode.closed",
        "support_request.closed",
    ):
        assert expected in types, (expected, types)
    audit = await admin.get("/v1/audit", params={"subject_id": ep1})
    actions = [a["action"] for a in audit.json()["items"]]
    assert "casework_episode.checkpoint_due" in actions and "casework_episode.continued" in actions
