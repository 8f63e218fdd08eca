"""Reviews over HTTP (R12-R15, R17): scheduled on confirmation, recorded by a reviewer
with the next of the kind scheduled, sent to participants, extra reviews, cancelled when
the placement ends; work items, events, roles and scope."""

from __future__ import annotations

from typing import Any

from tests.pathway import (
    accepted_match,
    admission_documents,
    approved_funding,
    make_referral,
    officer,
    provider_with_vacancy,
)
from tests.support import Api, assert_problem, make_person, unique_team

START = "2025-12-01"


async def placed(
    api: Api,
    team: str,
    *,
    service: str = "foster_care",
    cohort: str = "child",
    external: bool = False,
    start_date: str = START,
) -> dict[str, Any]:
    """A confirmed placement of a new person in `team`."""
    dob = "2012-05-01" if cohort == "child" else "1980-05-01"
    person = await make_person(api, team, cohort=cohort, date_of_birth=dob)
    referral = await make_referral(api, team, person_id=person["id"], service=service)
    provider, vacancy = await provider_with_vacancy(api, service=service, external=external)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    await approved_funding(api, referral["id"], match["id"])
    if service == "residential":
        await admission_documents(api, team, referral["id"])
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "start_date": start_date,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def reviews_of(api: Api, placement_id: str, **params: str) -> list[dict[str, Any]]:
    response = await api.as_("reviewer").get(
        "/v1/reviews", params={"placement_id": placement_id, **params}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


SECTIONS: dict[str, dict[str, Any]] = {
    "cla": {
        "child_participation": "Attended and chaired part of the meeting.",
        "child_views": "Wants more time with her brother.",
        "care_plan_progress": "On track.",
        "contact_arrangements": "Fortnightly supervised contact with mother.",
        "health": "Dental check due.",
        "education": "PEP meeting to be arranged.",
        "placement_stability": "Stable.",
        "exit_plan": "Stay until 18; pathway plan at 16.",
    },
    "support_plan": {
        "plans_updated": {"support_plan": True, "safety_plan": False},
        "child_input": "Asked for a later bedtime at weekends.",
        "significant_events": None,
    },
    "shared_lives": {
        "placement_agreement_met": "fully",
        "care_and_support_plan_met": "partly",
        "s27": {
            "impact": "Settled with the host family.",
            "outcomes_achieved": "Attends college twice a week.",
            "provision_contribution": "Host supports travel training.",
            "needs_changed": False,
        },
        "emergencies": "None in the period.",
    },
    "qa_visit": {"findings": "Records up to date.", "provider_actions": ["Renew fire checks"]},
}
SECTIONS["care_and_support"] = SECTIONS["shared_lives"]


def record_body(
    held_on: str, participants: list[Any], kind: str = "cla", **overrides: Any
) -> dict[str, Any]:
    """A valid record of `kind` (R15)."""
    body: dict[str, Any] = {
        "kind": kind,
        "held_on": held_on,
        "participants": participants,
        **SECTIONS[kind],
        "new_actions": [],
        "notes": "Good progress.",
    }
    body.update(overrides)
    return body


async def test_r12_r13_r17_residential_external_child_gets_three_reviews(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="residential", external=True)
    got = {r["kind"]: r for r in await reviews_of(api, placement["id"])}
    assert {k: (r["due_on"], r["rule"], r["status"]) for k, r in got.items()} == {
        "cla": ("2025-12-29", "R12", "scheduled"),
        "support_plan": ("2026-01-01", "R13", "scheduled"),
        "qa_visit": ("2026-12-01", "R17", "scheduled"),
    }
    worker = api.as_("practitioner", teams=[team])
    work = await worker.get("/v1/work", params={"team": team})
    items = {
        i["subject"]["id"]: i for i in work.json()["items"] if i["subject"]["type"] == "review"
    }
    assert {(items[r["id"]]["rule"], items[r["id"]]["kind"]) for r in got.values()} == {
        ("R12", "review_due"),
        ("R13", "review_due"),
        ("R17", "review_due"),
    }
    assert all(
        items[r["id"]]["state"] == "overdue" for r in got.values() if r["kind"] != "qa_visit"
    )
    only_cla = await reviews_of(api, placement["id"], kind="cla")
    assert [r["kind"] for r in only_cla] == ["cla"]


async def test_r12_foster_child_cla_only_and_r14_shared_lives(api: Api) -> None:
    team = unique_team()
    foster = await placed(api, team)
    assert [(r["kind"], r["due_on"]) for r in await reviews_of(api, foster["id"])] == [
        ("cla", "2025-12-29")
    ]
    shared = await placed(api, team, service="shared_lives", cohort="adult")
    assert [(r["kind"], r["due_on"], r["rule"]) for r in await reviews_of(api, shared["id"])] == [
        ("shared_lives", "2026-01-26", "R14")
    ]


async def test_r15_record_schedules_next_clamped_and_sends_to_participants(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team)
    (cla,) = await reviews_of(api, placement["id"])
    url = f"/v1/reviews/{cla['id']}"
    reviewer = api.as_("reviewer")
    read = await reviewer.get(url)
    assert read.headers["ETag"] == '"1"'
    assert_problem(
        await reviewer.post(
            f"{url}/record", json=record_body("2026-01-31", ["x"]), headers={"If-Match": '"9"'}
        ),
        412,
        "precondition_failed",
    )
    carer = api.as_("supervising_social_worker", teams=[team])
    body = record_body("2026-01-31", [carer.sub, "Jo Bloggs (birth parent)"])
    recorded = await reviewer.post(f"{url}/record", json=body, headers={"If-Match": '"1"'})
    assert recorded.status_code == 200, recorded.text
    held = recorded.json()
    assert (held["status"], held["held_on"], held["recorded_by"]) == (
        "held",
        "2026-01-31",
        reviewer.sub,
    )
    assert held["record"]["exit_plan"] == "Stay until 18; pathway plan at 16."
    assert "s27" not in held["record"]
    assert [(p["user_id"], p["name"], p["format"]) for p in held["participants"]] == [
        (carer.sub, None, None),
        (None, "Jo Bloggs (birth parent)", "standard"),
    ]
    assert recorded.headers["ETag"] == '"2"'
    # 31 Jan + 3 months = 30 Apr (R12, clamped to month end).
    following = await reviewer.get(f"/v1/reviews/{held['next_review_id']}")
    assert (following.json()["due_on"], following.json()["status"]) == ("2026-04-30", "scheduled")
    assert following.json()["previous_review_id"] == cla["id"]
    # The review's own work item closed; the participant who is a user got the record.
    team_work = await api.as_("practitioner", teams=[team]).get(
        "/v1/work", params={"subject_id": cla["id"], "kind": "review_due"}
    )
    assert team_work.json()["items"] == []
    mine = await carer.get("/v1/work", params={"assignee": "me", "kind": "review_record"})
    (item,) = mine.json()["items"]
    assert (item["rule"], item["subject"]["id"]) == ("R15", cla["id"])
    assert_problem(await reviewer.post(f"/v1/work/{item['id']}/acknowledge"), 403, "forbidden")
    acked = await carer.post(f"/v1/work/{item['id']}/acknowledge")
    assert acked.status_code == 200, acked.text
    mine = await carer.get("/v1/work", params={"assignee": "me", "kind": "review_record"})
    assert mine.json()["items"] == []
    assert_problem(
        await reviewer.post(f"{url}/record", json=body), 409, "invalid_transition", "R15"
    )
    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": cla["id"]})
    changes = [e["action"] for e in audit.json()["items"] if not e["action"].endswith("read")]
    assert changes == ["review.scheduled", "review.held"]  # and, since revision 2, the reads


async def test_r12_next_review_earlier_allowed_never_later(api: Api) -> None:
    # Revision 2 (R12, R14): intervals are maxima; a later next date is refused even with
    # a reason (it was accepted with next_review_reason before).
    team = unique_team()
    placement = await placed(api, team)
    reviewer = api.as_("reviewer")
    (cla,) = await reviews_of(api, placement["id"])
    url = f"/v1/reviews/{cla['id']}/record"
    later = record_body("2026-01-31", ["Ann Smith"], next_review_on="2026-05-01")
    assert_problem(await reviewer.post(url, json=later), 422, "next_review_too_late", "R12")
    for bad in (
        {"held_on": "2999-01-01"},
        {"held_on": "2025-11-30"},
        {"participants": []},
        {"participants": [{"user_id": "u1", "name": "Both"}]},
        {"next_review_reason": "IRO on leave in April"},
        {"s27": {}},
    ):
        assert (await reviewer.post(url, json={**later, **bad})).status_code == 422
    at_most = record_body("2026-01-31", ["Ann Smith"], next_review_on="2026-04-30")
    recorded = await reviewer.post(url, json=at_most)
    assert recorded.status_code == 200, recorded.text
    nxt = (await reviewer.get(f"/v1/reviews/{recorded.json()['next_review_id']}")).json()
    assert (nxt["due_on"], nxt["sequence"]) == ("2026-04-30", 2)
    earlier = record_body("2026-02-10", ["Ann Smith"], next_review_on="2026-03-01")
    again = await reviewer.post(f"/v1/reviews/{nxt['id']}/record", json=earlier)
    assert again.status_code == 200, again.text
    third = (await reviewer.get(f"/v1/reviews/{again.json()['next_review_id']}")).json()
    assert third["due_on"] == "2026-03-01"
    # Participants named explicitly: a user gets the record, a name does not.
    iro = api.as_("reviewer")
    named = record_body("2026-02-20", [{"user_id": iro.sub}, {"name": "Mum"}, iro.sub])
    assert (await reviewer.post(f"/v1/reviews/{third['id']}/record", json=named)).status_code == 200
    sent = await iro.get("/v1/work", params={"assignee": "me", "kind": "review_record"})
    assert [i["subject"]["id"] for i in sent.json()["items"]] == [third["id"]]
    # No work item for a participant given by name.
    work = await api.as_("admin").get(
        "/v1/work", params={"kind": "review_record", "subject_id": cla["id"]}
    )
    assert work.json()["items"] == []


async def test_r15_record_roles_and_scope(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team)
    (cla,) = await reviews_of(api, placement["id"])
    url = f"/v1/reviews/{cla['id']}"
    body = record_body("2026-01-31", ["Ann Smith"])
    for role in ("practitioner", "placements_manager", "team_manager"):
        caller = api.as_(role, teams=[team])
        assert_problem(await caller.post(f"{url}/record", json=body), 403, "forbidden")
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(f"{url}/record", json=body), 404, "not_found")
    listed = await outsider.get("/v1/reviews", params={"placement_id": placement["id"]})
    assert listed.json()["items"] == []
    insider = api.as_("practitioner", teams=[team])
    assert (
        len(
            (await insider.get("/v1/reviews", params={"placement_id": placement["id"]})).json()[
                "items"
            ]
        )
        == 1
    )


async def test_r14_r17_extra_reviews_and_roles(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="shared_lives", cohort="adult")
    url = f"/v1/placements/{placement['id']}/reviews"
    body = {"kind": "shared_lives", "due_on": "2030-06-01", "reason": "Host's partner is ill."}
    practitioner = api.as_("practitioner", teams=[team])
    made = await practitioner.post(url, json=body)
    assert made.status_code == 201, made.text
    review = made.json()
    assert made.headers["Location"].endswith(f"/v1/reviews/{review['id']}")
    assert (review["extra"], review["rule"], review["reason"], review["due_on"]) == (
        True,
        "R14",
        "Host's partner is ill.",
        "2030-06-01",
    )
    work = await practitioner.get("/v1/work", params={"subject_id": review["id"]})
    assert [(i["rule"], i["state"]) for i in work.json()["items"]] == [("R14", "upcoming")]
    qa = {"kind": "qa_visit", "due_on": "2030-06-01", "reason": "Complaint received."}
    for role in ("practitioner", "reviewer"):
        assert_problem(await api.as_(role, teams=[team]).post(url, json=qa), 403, "forbidden")
    # Revision 2 (R17): QA visits are for external providers only; this host is in-house.
    assert_problem(
        await api.as_("placements_manager").post(url, json=qa),
        409,
        "qa_visit_not_applicable",
        "R17",
    )
    for role in ("placements_officer", "support_worker"):
        assert_problem(await api.as_(role, teams=[team]).post(url, json=body), 403, "forbidden")
    assert (await api.as_("reviewer").post(url, json=body)).status_code == 201
    cla = {**body, "kind": "cla"}
    assert_problem(await practitioner.post(url, json=cla), 409, "review_kind_not_applicable", "R12")
    past = {**body, "due_on": "2020-01-01"}
    assert_problem(await practitioner.post(url, json=past), 422, "validation_error", "R14")
    assert (await practitioner.post(url, json={**body, "reason": ""})).status_code == 422
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.post(url, json=body), 404, "not_found")


async def test_ending_a_placement_cancels_its_scheduled_reviews(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="residential")
    reviewer = api.as_("reviewer")
    cla = (await reviews_of(api, placement["id"], kind="cla"))[0]
    ended = await officer(api).post(
        f"/v1/placements/{placement['id']}/end",
        json={"end_date": "2026-01-20", "reason": "Moved to kinship care"},
    )
    assert ended.status_code == 200, ended.text
    statuses = {r["kind"]: r["status"] for r in await reviews_of(api, placement["id"])}
    assert statuses == {"cla": "cancelled", "support_plan": "cancelled"}
    work = await api.as_("admin").get("/v1/work", params={"subject_id": cla["id"]})
    assert work.json()["items"] == []
    assert_problem(
        await reviewer.post(
            f"/v1/reviews/{cla['id']}/record", json=record_body("2026-01-10", ["A B"])
        ),
        409,
        "invalid_transition",
        "R15",
    )
    extra = {"kind": "cla", "due_on": "2030-06-01", "reason": "Change"}
    assert_problem(
        await reviewer.post(f"/v1/placements/{placement['id']}/reviews", json=extra),
        409,
        "placement_ended",
    )


async def test_r14_a_held_extra_review_restarts_the_yearly_cycle_once(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="shared_lives", cohort="adult")
    reviewer = api.as_("reviewer")
    [first] = await reviews_of(api, placement["id"], status="scheduled")
    held = await reviewer.post(
        f"/v1/reviews/{first['id']}/record",
        json=record_body("2026-01-20", ["Host family"], "shared_lives"),
    )
    assert held.status_code == 200, held.text
    extra = await api.as_("practitioner", teams=[team]).post(
        f"/v1/placements/{placement['id']}/reviews",
        json={"kind": "shared_lives", "due_on": "2030-01-01", "reason": "Host is ill."},
    )
    assert extra.status_code == 201, extra.text
    recorded = await reviewer.post(
        f"/v1/reviews/{extra.json()['id']}/record",
        json=record_body("2026-03-10", ["Host family"], "shared_lives"),
    )
    assert recorded.status_code == 200, recorded.text
    scheduled = await reviews_of(api, placement["id"], status="scheduled")
    assert [(r["kind"], r["due_on"]) for r in scheduled] == [("shared_lives", "2027-03-10")]
    superseded = await reviews_of(api, placement["id"], status="cancelled")
    assert [r["due_on"] for r in superseded] == ["2027-01-20"]
    owed = await reviewer.get("/v1/work", params={"team": team, "rule": "R14"})
    assert [i["subject"]["id"] for i in owed.json()["items"]] == [scheduled[0]["id"]]
