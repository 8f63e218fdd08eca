"""External ids of referrals (issue 13): in reads, the create body and PATCH (integration
and admin only), unique per system, `?external_id=` on the list, and the upsert of a
draft referral by external id (R1: once submitted only the fields PATCH allows)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import Api, Caller, assert_problem, make_person, unique_team


def _mosaic() -> str:
    return f"R{uuid.uuid4().hex[:10]}"


def _body(person_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_id": person_id,
        "urgency": "planned",
        "service": "foster_care",
        "needs": "A foster home near school.",
        "requested_start": "2026-12-01",
    }
    body.update(overrides)
    return body


async def _events(api: Api, subject_id: str) -> list[dict[str, Any]]:
    response = await api.as_("admin").get(
        "/v1/events", params={"subject_id": subject_id, "limit": 200}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _audit(api: Api, subject_id: str) -> list[str]:
    response = await api.as_("admin").get(
        "/v1/audit", params={"subject_id": subject_id, "limit": 200}
    )
    assert response.status_code == 200, response.text
    return [entry["action"] for entry in response.json()["items"]]


async def _setup(api: Api) -> tuple[str, dict[str, Any], Caller, Caller]:
    """A team, a child in it, its practitioner, and a practitioner who is also the
    council's integration (the only kind of caller both making referrals and setting
    external ids)."""
    team = unique_team()
    person = await make_person(api, team)
    practitioner = api.as_("practitioner", teams=[team])
    linked = api.as_("practitioner", "integration", teams=[team])
    return team, person, practitioner, linked


async def test_referral_external_ids_on_create_reads_and_the_list_filter(api: Api) -> None:
    _, person, practitioner, linked = await _setup(api)
    value = _mosaic()
    assert_problem(
        await practitioner.post(
            "/v1/referrals", json=_body(person["id"], external_ids={"mosaic": value})
        ),
        403,
        "forbidden",
    )
    made = await linked.post(
        "/v1/referrals", json=_body(person["id"], external_ids={"mosaic": value})
    )
    assert made.status_code == 201, made.text
    referral = made.json()
    assert referral["external_ids"] == {"mosaic": value}
    plain = await practitioner.post("/v1/referrals", json=_body(person["id"]))
    assert plain.status_code == 201 and plain.json()["external_ids"] == {}

    got = await practitioner.get(f"/v1/referrals/{referral['id']}")
    assert got.status_code == 200 and got.json()["external_ids"] == {"mosaic": value}
    listed = await practitioner.get("/v1/referrals", params={"person_id": person["id"]})
    shown = {r["id"]: r["external_ids"] for r in listed.json()["items"]}
    assert shown == {referral["id"]: {"mosaic": value}, plain.json()["id"]: {}}
    by_id = await api.as_("integration").get(
        "/v1/referrals", params={"external_id": f"mosaic:{value}"}
    )
    assert [r["id"] for r in by_id.json()["items"]] == [referral["id"]]
    none = await practitioner.get("/v1/referrals", params={"external_id": f"other:{value}"})
    assert none.json()["items"] == []
    assert_problem(
        await practitioner.get("/v1/referrals", params={"external_id": "nocolon"}),
        422,
        "validation_error",
    )
    # an action's answer shows them too
    submitted = await practitioner.post(f"/v1/referrals/{referral['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["external_ids"] == {"mosaic": value}

    # unique per system among referrals (a provider or person may hold the same value)
    assert_problem(
        await linked.post(
            "/v1/referrals", json=_body(person["id"], external_ids={"mosaic": value})
        ),
        409,
        "external_id_taken",
    )
    provider = await api.as_("admin").post(
        "/v1/providers",
        json={
            "name": "Same-id carer",
            "service": "foster_care",
            "team": "placements",
            "external_ids": {"mosaic": value},
        },
    )
    assert provider.status_code == 201, provider.text


async def test_referral_patch_links_external_ids(api: Api) -> None:
    _, person, practitioner, linked = await _setup(api)
    one = (await practitioner.post("/v1/referrals", json=_body(person["id"]))).json()
    two = (await practitioner.post("/v1/referrals", json=_body(person["id"]))).json()
    url = f"/v1/referrals/{one['id']}"
    value = _mosaic()
    assert_problem(
        await practitioner.patch(url, json={"external_ids": {"mosaic": value}}), 403, "forbidden"
    )
    assert_problem(
        await api.as_("integration").patch(url, json={"external_ids": {"mosaic": value}}),
        403,
        "forbidden",
    )
    patched = await linked.patch(
        url, json={"external_ids": {"mosaic": value}, "needs": "Near grandparents."}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["external_ids"] == {"mosaic": value}
    assert patched.json()["needs"] == "Near grandparents."
    assert patched.json()["version"] == one["version"] + 1
    updated = [e for e in await _events(api, one["id"]) if e["type"] == "referral.updated"]
    assert [e["data"]["changed"] for e in updated] == [["external_ids", "needs"]]
    # ids are linked, never replaced: a system the referral has keeps its id
    kept = await linked.patch(url, json={"external_ids": {"mosaic": "R-other"}})
    assert kept.status_code == 200 and kept.json()["external_ids"] == {"mosaic": value}
    # another referral's id: 409
    assert_problem(
        await linked.patch(f"/v1/referrals/{two['id']}", json={"external_ids": {"mosaic": value}}),
        409,
        "external_id_taken",
    )
    assert_problem(await linked.patch(url, json={"external_ids": None}), 422, "validation_error")
    # a plain PATCH still needs no integration role
    plain = await practitioner.patch(url, json={"needs": "Near school."})
    assert plain.status_code == 200 and plain.json()["external_ids"] == {"mosaic": value}


async def test_upsert_creates_a_draft_then_updates_and_is_idempotent(api: Api) -> None:
    team, person, practitioner, _ = await _setup(api)
    integration = api.as_("integration")
    value = _mosaic()
    url = f"/v1/referrals/external/mosaic/{value}"
    body = _body(person["id"])
    assert_problem(await practitioner.put(url, json=body), 403, "forbidden")

    first = await integration.put(url, json=body)
    assert first.status_code == 201, first.text
    made = first.json()
    assert first.headers["location"].endswith(f"/v1/referrals/{made['id']}")
    assert first.headers["etag"] == '"1"'
    assert made["status"] == "draft" and made["team"] == team
    assert made["external_ids"] == {"mosaic": value}
    assert made["needs"] == body["needs"]
    created = await _events(api, made["id"])
    assert [(e["type"], e["data"].get("system")) for e in created] == [
        ("referral.created", "mosaic")
    ]
    assert "referral.created" in await _audit(api, made["id"])
    # the practitioner of the person's team sees it as any draft of theirs
    seen = await practitioner.get(f"/v1/referrals/{made['id']}")
    assert seen.status_code == 200 and seen.json()["external_ids"] == {"mosaic": value}

    same = await integration.put(url, json={**body, "external_ids": {"mosaic": value}})
    assert same.status_code == 200, same.text
    assert same.json() == made
    assert "location" not in same.headers
    assert len(await _events(api, made["id"])) == 1

    # a draft changes in every field but its person
    changed = await integration.put(
        url, json={**body, "urgency": "emergency", "needs": "Tonight, anywhere safe."}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["id"] == made["id"]
    assert changed.json()["urgency"] == "emergency"
    assert changed.json()["version"] == 2
    events = await _events(api, made["id"])
    assert [e["type"] for e in events] == ["referral.created", "referral.updated"]
    assert events[1]["data"]["changed"] == ["needs", "urgency"]
    assert events[1]["data"]["system"] == "mosaic"
    assert "Tonight" not in str(events[1]["data"])  # never the needs text (R19)
    assert (await _audit(api, made["id"])).count("referral.updated") == 1

    # another system's id is linked on the way (and counts as a change, once)
    more = await integration.put(
        url,
        json={
            **body,
            "urgency": "emergency",
            "needs": "Tonight, anywhere safe.",
            "external_ids": {"nhs_trust": "T1"},
        },
    )
    assert more.status_code == 200, more.text
    assert more.json()["external_ids"] == {"mosaic": value, "nhs_trust": "T1"}
    assert more.json()["version"] == 3


async def test_upsert_refusals(api: Api) -> None:
    team, person, _, _ = await _setup(api)
    other = await make_person(api, team)
    integration = api.as_("integration")
    value = _mosaic()
    url = f"/v1/referrals/external/mosaic/{value}"
    body = _body(person["id"])
    assert_problem(
        await integration.put(url, json={**body, "external_ids": {"mosaic": "else"}}),
        422,
        "validation_error",
    )
    assert_problem(
        await integration.put(url, json={**body, "person_id": str(uuid.uuid4())}),
        404,
        "not_found",
    )
    # R2 and R20 hold as on create
    assert_problem(
        await integration.put(url, json={**body, "service": "supported_living"}),
        422,
        "service_not_for_person",
        rule="R20",
    )
    assert (await integration.put(url, json=body)).status_code == 201
    assert_problem(
        await integration.put(url, json={**body, "person_id": other["id"]}),
        422,
        "validation_error",
    )
    # another system's id another referral holds
    taken = _mosaic()
    elsewhere = await integration.put(f"/v1/referrals/external/mosaic/{taken}", json=body)
    assert elsewhere.status_code == 201
    assert_problem(
        await integration.put(
            f"/v1/referrals/external/nhs_trust/{_mosaic()}",
            json={**body, "external_ids": {"mosaic": taken}},
        ),
        409,
        "external_id_taken",
    )
    admin = await api.as_("admin").put(f"/v1/referrals/external/mosaic/{_mosaic()}", json=body)
    assert admin.status_code == 201, admin.text


async def test_r1_upsert_of_a_submitted_referral_changes_only_what_patch_allows(
    api: Api,
) -> None:
    _, person, practitioner, _ = await _setup(api)
    integration = api.as_("integration")
    value = _mosaic()
    url = f"/v1/referrals/external/mosaic/{value}"
    body = _body(person["id"])
    made = (await integration.put(url, json=body)).json()
    submitted = await practitioner.post(f"/v1/referrals/{made['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]

    for field, value_ in (("urgency", "emergency"), ("service", "residential")):
        problem = assert_problem(
            await integration.put(url, json={**body, field: value_}),
            409,
            "referral_not_draft",
            rule="R1",
        )
        assert field in problem["detail"]
    # unchanged: 200, nothing written
    same = await integration.put(url, json=body)
    assert same.status_code == 200 and same.json()["version"] == version
    # the fields PATCH allows may change
    moved = await integration.put(
        url, json={**body, "needs": "Near the new school.", "requested_start": "2027-01-04"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "submitted"
    assert moved.json()["needs"] == "Near the new school."
    assert moved.json()["requested_start"] == "2027-01-04"
    assert moved.json()["version"] == version + 1
    types = [e["type"] for e in await _events(api, made["id"])]
    assert types == ["referral.created", "referral.submitted", "referral.updated"]

    # a withdrawn referral changes no more (as PATCH), but the same PUT still answers 200
    withdrawn = await practitioner.post(f"/v1/referrals/{made['id']}/withdraw")
    assert withdrawn.status_code == 200
    final = {**body, "needs": "Near the new school.", "requested_start": "2027-01-04"}
    assert_problem(
        await integration.put(url, json={**final, "needs": "Changed again."}),
        409,
        "invalid_transition",
        rule="R1",
    )
    again = await integration.put(url, json=final)
    assert again.status_code == 200 and again.json()["status"] == "withdrawn"
