"""Contact restrictions over HTTP (R16): agreed with the placing authority first, or
imposed first in an emergency with 24 hours to notify (a work item until `notify`);
roles and scope."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.api.test_reviews import placed
from tests.support import Api, assert_problem, unique_team


async def test_r16_non_emergency_needs_placing_authority_agreement(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team)
    url = f"/v1/placements/{placement['id']}/contact-restrictions"
    worker = api.as_("practitioner", teams=[team])
    body = {"description": "No unsupervised contact with uncle.", "emergency": False}
    # Revision 2 (R16): who agreed it is recorded; without it the body is invalid (422; it
    # was 409 placing_authority_agreement_required with a bool before).
    refused = await worker.post(url, json=body)
    assert_problem(refused, 422, "validation_error", "R16")
    assert refused.json()["errors"][0]["loc"] == ["body", "agreed_with"]
    made = await worker.post(url, json={**body, "agreed_with": "IRO J. Patel"})
    assert made.status_code == 201, made.text
    row = made.json()
    assert made.headers["Location"].endswith(f"/v1/contact-restrictions/{row['id']}")
    assert (row["emergency"], row["agreed_with_placing_authority"], row["notify_by"]) == (
        False,
        True,
        None,
    )
    assert row["imposed_at"] and row["placement_id"] == placement["id"]
    assert (row["agreed_with"], row["status"], row["lifted_on"]) == ("IRO J. Patel", "active", None)
    single = await worker.get(f"/v1/contact-restrictions/{row['id']}")
    assert single.status_code == 200 and single.headers["ETag"] == '"1"'
    assert_problem(
        await worker.post(f"/v1/contact-restrictions/{row['id']}/notify"),
        409,
        "invalid_transition",
        "R16",
    )
    work = await worker.get("/v1/work", params={"subject_id": row["id"]})
    assert work.json()["items"] == []
    listed = await worker.get(url)
    assert [r["id"] for r in listed.json()["items"]] == [row["id"]]
    assert_problem(await worker.post(url, json={"emergency": True}), 422, "validation_error")
    # Emergency but already agreed: nothing to notify.
    agreed = await worker.post(
        url,
        json={
            "description": "Agreed by phone.",
            "emergency": True,
            "agreed_with": "Duty manager, placing authority",
        },
    )
    assert agreed.status_code == 201 and agreed.json()["notify_by"] is None
    assert_problem(
        await worker.post(f"/v1/contact-restrictions/{agreed.json()['id']}/notify"),
        409,
        "invalid_transition",
        "R16",
    )


async def test_r16_emergency_imposed_first_then_notified_within_24_hours(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="residential")
    url = f"/v1/placements/{placement['id']}/contact-restrictions"
    staff = api.as_("reviewer")
    made = await staff.post(
        url, json={"details": "Contact with father suspended tonight.", "emergency": True}
    )
    assert made.status_code == 201, made.text
    row = made.json()
    assert row["description"] == "Contact with father suspended tonight."
    imposed = datetime.fromisoformat(row["imposed_at"])
    assert datetime.fromisoformat(row["notify_by"]) - imposed == timedelta(hours=24)
    assert row["notified_at"] is None
    worker = api.as_("practitioner", teams=[team])
    work = await worker.get("/v1/work", params={"subject_id": row["id"]})
    (item,) = work.json()["items"]
    assert (item["rule"], item["kind"]) == ("R16", "contact_restriction_notify")
    assert datetime.fromisoformat(item["due_at"]) == datetime.fromisoformat(row["notify_by"])
    one = f"/v1/contact-restrictions/{row['id']}"
    assert_problem(
        await worker.post(f"{one}/notify", headers={"If-Match": '"7"'}), 412, "precondition_failed"
    )
    notified = await worker.post(
        f"{one}/notify", json={"notes": "Told the IRO by phone."}, headers={"If-Match": '"1"'}
    )
    assert notified.status_code == 200, notified.text
    done = notified.json()
    assert done["notified_at"] is not None and done["notified_by"] == worker.sub
    assert notified.headers["ETag"] == '"2"'
    assert (await worker.get("/v1/work", params={"subject_id": row["id"]})).json()["items"] == []
    assert_problem(await worker.post(f"{one}/notify"), 409, "invalid_transition", "R16")
    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": row["id"]})
    assert [e["action"] for e in audit.json()["items"]] == [
        "contact_restriction.imposed",
        "contact_restriction.notified",
    ]


async def test_r16_roles_and_scope(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team)
    url = f"/v1/placements/{placement['id']}/contact-restrictions"
    body = {"description": "Supervised contact only.", "emergency": True}
    for role in ("support_worker", "team_manager", "panel_member"):
        assert_problem(await api.as_(role, teams=[team]).post(url, json=body), 403, "forbidden")
    for role in ("placements_officer", "placements_manager"):
        assert (await api.as_(role).post(url, json=body)).status_code == 201
    row = (await api.as_("practitioner", teams=[team]).post(url, json=body)).json()
    outsider = api.as_("practitioner", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(url, json=body), 404, "not_found")
    one = f"/v1/contact-restrictions/{row['id']}"
    assert_problem(await outsider.get(one), 404, "not_found")
    assert_problem(await outsider.post(f"{one}/notify"), 404, "not_found")
    assert_problem(
        await api.as_("support_worker", teams=[team]).post(f"{one}/notify"), 403, "forbidden"
    )


async def test_r16_ended_placement_cannot_be_restricted(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team)
    ended = await api.as_("placements_officer").post(
        f"/v1/placements/{placement['id']}/end",
        json={"end_date": "2026-01-20", "reason": "Returned home"},
    )
    assert ended.status_code == 200, ended.text
    response = await api.as_("reviewer").post(
        f"/v1/placements/{placement['id']}/contact-restrictions",
        json={"description": "x", "emergency": True},
    )
    assert_problem(response, 409, "invalid_transition", "R16")


async def test_r16_restrictions_are_for_a_childs_contact(api: Api) -> None:
    team = unique_team()
    placement = await placed(api, team, service="shared_lives", cohort="adult")
    response = await api.as_("practitioner", teams=[team]).post(
        f"/v1/placements/{placement['id']}/contact-restrictions",
        json={"description": "No visits from a neighbour.", "emergency": True},
    )
    assert_problem(response, 409, "contact_restriction_not_applicable", rule="R16")
