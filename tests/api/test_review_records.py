"""Revision 2 over HTTP: the CLA series across a placement move (R12), a Shared Lives
review's owed actions and records sent to everyone (R15), service ended at supervision
(R11), QA visits by role and provider type (R17), a restriction imposed in the night
(R16) and direct work with a child only on a child's record (R20)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.api.test_reviews import placed, record_body, reviews_of
from tests.pathway import (
    accepted_match,
    admission_documents,
    approved_funding,
    make_referral,
    officer,
    provider_with_vacancy,
)
from tests.support import Api, assert_problem, make_person, unique_team
from tests.support_flow import make_allocated


async def test_r12_cla_series_follows_the_child_across_a_move(api: Api) -> None:
    team = unique_team()
    first = await placed(api, team, start_date="2025-10-01")
    reviewer = api.as_("reviewer")
    (cla,) = await reviews_of(api, first["id"], kind="cla")
    assert (cla["due_on"], cla["sequence"]) == ("2025-10-29", 1)
    held = await reviewer.post(
        f"/v1/reviews/{cla['id']}/record", json=record_body("2025-10-20", ["Ann Smith"])
    )
    assert held.status_code == 200, held.text
    nxt = (await reviewer.get(f"/v1/reviews/{held.json()['next_review_id']}")).json()
    assert (nxt["due_on"], nxt["sequence"]) == ("2026-01-20", 2)
    ended = await officer(api).post(
        f"/v1/placements/{first['id']}/end",
        json={"end_date": "2025-12-10", "reason": "Moved to a residential home"},
    )
    assert ended.status_code == 200, ended.text
    referral = await make_referral(api, team, person_id=first["person_id"], service="residential")
    provider, vacancy = await provider_with_vacancy(api, service="residential")
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    await approved_funding(api, referral["id"], match["id"])
    await admission_documents(api, team, referral["id"])  # R21: a residential home's
    moved = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "start_date": "2025-12-10",
        },
    )
    assert moved.status_code == 201, moved.text
    got = {r["kind"]: r for r in await reviews_of(api, moved.json()["id"])}
    # The child's next CLA review is the one already set, not 28 days after the move.
    assert (got["cla"]["due_on"], got["cla"]["sequence"]) == ("2026-01-20", 2)
    assert got["cla"]["previous_review_id"] == cla["id"]
    assert got["support_plan"]["due_on"] == "2026-01-10"


async def test_r15_shared_lives_actions_and_participants_are_owed_and_close(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="shared_lives", cohort="adult")
    reviewer = api.as_("reviewer")
    owner = api.as_("practitioner", teams=[team])
    (review,) = await reviews_of(api, placement["id"])
    body = record_body(
        "2026-01-20",
        [
            {"user_id": owner.sub},
            {"name": "Sam Jones", "role": "the person", "format": "easy_read"},
            {"name": "Pat Host", "role": "host", "format": "large_print"},
        ],
        "shared_lives",
        new_actions=[
            {"description": "Arrange travel training", "owner": owner.sub, "due_on": "2026-03-01"}
        ],
    )
    wrong = await reviewer.post(
        f"/v1/reviews/{review['id']}/record", json={**record_body("2026-01-20", ["A B"])}
    )
    assert_problem(wrong, 422, "validation_error", "R15")
    assert wrong.json()["errors"][0]["loc"] == ["body", "kind"]
    recorded = await reviewer.post(f"/v1/reviews/{review['id']}/record", json=body)
    assert recorded.status_code == 200, recorded.text
    held = recorded.json()
    (action,) = held["actions"]
    assert (action["owner"], action["due_on"], action["done"]) == (owner.sub, "2026-03-01", False)
    mine = (await owner.get("/v1/work", params={"assignee": "me"})).json()["items"]
    assert sorted((i["kind"], i["rule"], i["subject"]["id"]) for i in mine) == [
        ("review_action", "R15", review["id"]),
        ("review_record", "R15", review["id"]),
    ]
    sends = await reviewer.get("/v1/work", params={"assignee": "me", "subject_id": review["id"]})
    assert sorted(i["title"] for i in sends.json()["items"]) == [
        "Send the review record to host (large print)",
        "Send the review record to the person (easy read)",
    ]
    person = next(p for p in held["participants"] if p["format"] == "easy_read")
    sent_url = f"/v1/reviews/{review['id']}/participants/{person['id']}/sent"
    assert_problem(
        await owner.post(sent_url, json={"sent_on": "2026-01-22", "format": "easy_read"}),
        403,
        "forbidden",
    )
    bad = await reviewer.post(sent_url, json={"sent_on": "2026-01-22", "format": "standard"})
    assert_problem(bad, 422, "validation_error", "R15")
    sent = await reviewer.post(sent_url, json={"sent_on": "2026-01-22", "format": "easy_read"})
    assert sent.status_code == 200, sent.text
    assert (sent.json()["sent_on"], sent.json()["sent_format"]) == ("2026-01-22", "easy_read")
    sends = await reviewer.get("/v1/work", params={"assignee": "me", "subject_id": review["id"]})
    assert [i["title"] for i in sends.json()["items"]] == [
        "Send the review record to host (large print)"
    ]
    done_url = f"/v1/reviews/{review['id']}/actions/{action['id']}/complete"
    stranger = api.as_("practitioner", teams=[team])
    assert_problem(await stranger.post(done_url, json={}), 403, "forbidden")
    done = await owner.post(done_url, json={"note": "Booked with the college."})
    assert done.status_code == 200 and done.json()["done"] is True
    assert_problem(await owner.post(done_url), 409, "invalid_transition", "R15")
    left = (await owner.get("/v1/work", params={"assignee": "me"})).json()["items"]
    assert [i["kind"] for i in left] == ["review_record"]
    # The next review lists this one's actions with their status.
    nxt = (await reviewer.get(f"/v1/reviews/{held['next_review_id']}")).json()
    assert [(a["id"], a["done"]) for a in nxt["previous_actions"]] == [(action["id"], True)]


async def test_r11_service_ended_at_supervision_ends_the_support(api: Api) -> None:
    support = await make_allocated(api, unique_team())
    held = await support.supervisor.post(
        f"/v1/supervisions/{support.supervision['id']}/record",
        json={"held_on": "2026-02-02", "outcome": "service_ended"},
    )
    assert held.status_code == 200, held.text
    episode = (
        await support.supervisor.get(f"/v1/casework-episodes/{support.episode['id']}")
    ).json()
    assert (episode["status"], episode["completed_by"]) == ("closed", support.supervisor.sub)
    request = (await support.supervisor.get(f"/v1/support-requests/{support.request['id']}")).json()
    assert request["status"] == "closed"
    contact = await support.worker.post(
        f"/v1/casework-episodes/{support.episode['id']}/contacts",
        json={"contact_on": "2026-02-03", "method": "visit", "with_whom": "Carers", "summary": "x"},
    )
    assert contact.status_code == 409


async def test_r17_qa_visits_by_role_and_provider_type(api: Api) -> None:
    team = unique_team()
    external = await placed(api, team, service="residential", external=True)
    (visit,) = await reviews_of(api, external["id"], kind="qa_visit")
    url = f"/v1/reviews/{visit['id']}/record"
    body = record_body("2026-01-15", ["Home manager"], "qa_visit")
    assert_problem(await api.as_("reviewer").post(url, json=body), 403, "forbidden")
    recorded = await api.as_("placements_officer").post(url, json=body)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["record"]["findings"] == "Records up to date."
    extra = {"kind": "qa_visit", "due_on": "2030-01-01", "reason": "Complaint received."}
    extra_url = f"/v1/placements/{external['id']}/reviews"
    assert_problem(
        await api.as_("placements_officer").post(extra_url, json=extra), 403, "forbidden"
    )
    made = await api.as_("placements_manager").post(extra_url, json=extra)
    assert made.status_code == 201, made.text
    again = await api.as_("placements_manager").post(
        f"/v1/reviews/{made.json()['id']}/record",
        json=record_body("2026-01-20", ["Home manager"], "qa_visit"),
    )
    assert again.status_code == 200, again.text
    in_house = await placed(api, team, service="residential")
    assert await reviews_of(api, in_house["id"], kind="qa_visit") == []
    assert_problem(
        await api.as_("placements_manager").post(
            f"/v1/placements/{in_house['id']}/reviews", json=extra
        ),
        409,
        "qa_visit_not_applicable",
        "R17",
    )


async def test_r16_imposed_in_the_night_and_notified_the_next_day(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="residential")
    url = f"/v1/placements/{placement['id']}/contact-restrictions"
    staff = api.as_("reviewer")
    night = (datetime.now().astimezone() - timedelta(hours=7)).replace(microsecond=0)
    made = await staff.post(
        url,
        json={
            "description": "Father's visit stopped.",
            "emergency": True,
            "imposed_at": night.isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    row = made.json()
    assert datetime.fromisoformat(row["imposed_at"]) == night
    assert datetime.fromisoformat(row["notify_by"]) == night + timedelta(hours=24)
    future = (datetime.now().astimezone() + timedelta(hours=1)).isoformat()
    early = "2025-11-30T12:00:00+00:00"
    for when in (future, early):
        refused = await staff.post(
            url, json={"description": "x", "emergency": True, "imposed_at": when}
        )
        assert_problem(refused, 422, "validation_error", "R16")
        assert refused.json()["errors"][0]["loc"] == ["body", "imposed_at"]
    one = f"/v1/contact-restrictions/{row['id']}"
    assert (await staff.post(f"{one}/notify", json={"notes": "Phoned IRO"})).status_code == 200
    today = datetime.now().astimezone().date().isoformat()
    lifted = await staff.post(f"{one}/lift", json={"lifted_on": today, "reason": "Risk passed"})
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["status"], lifted.json()["lift_reason"]) == ("lifted", "Risk passed")
    again = await staff.post(f"{one}/lift", json={"lifted_on": today, "reason": "again"})
    assert_problem(again, 409, "invalid_transition", "R16")
    assert_problem(
        await api.as_("support_worker", teams=[team]).post(
            f"{one}/lift", json={"lifted_on": today, "reason": "x"}
        ),
        403,
        "forbidden",
    )


async def test_r20_direct_work_with_child_only_on_a_childs_record(api: Api) -> None:
    team = unique_team()
    adult = await make_person(api, team, cohort="adult", date_of_birth="1980-01-01")
    worker = api.as_("support_worker", teams=[team])
    refused = await worker.post(
        f"/v1/people/{adult['id']}/case-notes",
        json={"type": "psw_direct_work_with_child", "text": "Played a board game."},
    )
    assert_problem(refused, 422, "validation_error", "R20")
    assert refused.json()["errors"][0]["loc"] == ["body", "type"]
