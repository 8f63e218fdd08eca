"""People over HTTP: create, read, scope, patch, ETag/If-Match, upsert, audit (R19)."""

from __future__ import annotations

import uuid

from tests.support import Api, assert_problem, make_person, person_body, unique_team


async def test_create_and_read_person(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    mosaic = {"mosaic": f"M{uuid.uuid4().hex[:8]}"}
    # external ids are set only by integration and admin (API.md roles table)
    assert_problem(
        await me.post("/v1/people", json=person_body(team, external_ids=mosaic)), 403, "forbidden"
    )
    response = await api.as_("admin").post(
        "/v1/people", json=person_body(team, external_ids=mosaic)
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"].endswith(f"/v1/people/{created['id']}")
    assert response.headers["etag"] == '"1"'
    assert created["cohort"] == "child" and created["team"] == team
    assert list(created["external_ids"]) == ["mosaic"]
    assert uuid.UUID(created["id"]).version == 7

    got = await me.get(f"/v1/people/{created['id']}")
    assert got.status_code == 200
    assert got.json() == created
    assert got.headers["etag"] == '"1"'


async def test_r19_other_teams_person_is_404_and_absent_from_lists(api: Api) -> None:
    team, other = unique_team(), unique_team()
    person = await make_person(api, team)
    outsider = api.as_("practitioner", teams=[other])
    assert_problem(await outsider.get(f"/v1/people/{person['id']}"), 404, "not_found")
    listed = await outsider.get("/v1/people", params={"team": team})
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert_problem(
        await outsider.patch(f"/v1/people/{person['id']}", json={"given_name": "X"}),
        404,
        "not_found",
    )
    # A cross-team role sees them.
    officer = api.as_("placements_officer")
    assert (await officer.get(f"/v1/people/{person['id']}")).status_code == 200


async def test_missing_person_is_404(api: Api) -> None:
    me = api.as_("admin")
    assert_problem(await me.get(f"/v1/people/{uuid.uuid4()}"), 404, "not_found")
    assert_problem(await me.get("/v1/people/not-a-uuid"), 422, "validation_error")


async def test_create_person_role_and_team_checks(api: Api) -> None:
    team = unique_team()
    worker = api.as_("support_worker", teams=[team])
    assert_problem(await worker.post("/v1/people", json=person_body(team)), 403, "forbidden")
    practitioner = api.as_("practitioner", teams=[team])
    assert_problem(
        await practitioner.post("/v1/people", json=person_body(unique_team())), 403, "forbidden"
    )


async def test_patch_with_if_match(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    person = await make_person(api, team)
    url = f"/v1/people/{person['id']}"
    ok = await me.patch(url, json={"preferred_name": "Al"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.json()["preferred_name"] == "Al"
    assert ok.headers["etag"] == '"2"'
    stale = await me.patch(url, json={"preferred_name": "Ally"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "precondition_failed")
    assert (await me.get(url)).json()["preferred_name"] == "Al"


async def test_patch_refuses_server_owned_and_unknown_fields(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    person = await make_person(api, team)
    url = f"/v1/people/{person['id']}"
    for body in (
        {"id": str(uuid.uuid4())},
        {"version": 9},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"nickname": "x"},
        {"given_name": None},
    ):
        body_problem = assert_problem(await me.patch(url, json=body), 422, "validation_error")
        assert body_problem["errors"], body_problem


async def test_list_filters_and_pagination_while_inserting(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    ids = [(await make_person(api, team, given_name=f"Kid{i}"))["id"] for i in range(5)]
    first = await me.get("/v1/people", params={"team": team, "limit": 2})
    assert first.status_code == 200
    page1 = first.json()
    assert [p["id"] for p in page1["items"]] == ids[:2]
    assert page1["next_cursor"]
    assert 'rel="next"' in first.headers["link"]
    # Rows added between pages appear at the end, never shifting what is still to come.
    late = (await make_person(api, team, given_name="Late"))["id"]
    seen = [p["id"] for p in page1["items"]]
    cursor = page1["next_cursor"]
    while cursor:
        page = (
            await me.get("/v1/people", params={"team": team, "limit": 2, "cursor": cursor})
        ).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert seen == ids + [late]

    by_name = (await me.get("/v1/people", params={"team": team, "q": "kid3"})).json()["items"]
    assert [p["id"] for p in by_name] == [ids[3]]
    adults = (await me.get("/v1/people", params={"team": team, "cohort": "adult"})).json()
    assert adults["items"] == []


async def test_list_limit_and_cursor_validation(api: Api) -> None:
    me = api.as_("admin")
    for limit in ("0", "201", "abc"):
        assert_problem(await me.get("/v1/people", params={"limit": limit}), 422, "validation_error")
    assert_problem(
        await me.get("/v1/people", params={"cursor": "garbage!"}), 422, "validation_error"
    )
    assert (
        await me.get("/v1/people", params={"limit": 200, "unknown": "ignored"})
    ).status_code == 200


async def test_upsert_by_external_id_creates_then_updates(api: Api) -> None:
    team = unique_team()
    sync = api.as_("integration")
    mosaic_id = f"M{uuid.uuid4().hex[:10]}"
    url = f"/v1/people/external/mosaic/{mosaic_id}"
    body = person_body(team, given_name="Sam")
    first = await sync.put(url, json=body)
    assert first.status_code == 201, first.text
    assert first.headers["location"].endswith(first.json()["id"])
    assert first.json()["external_ids"] == {"mosaic": mosaic_id}
    again = await sync.put(url, json=body)
    assert again.status_code == 200
    assert again.json() == first.json()
    changed = await sync.put(url, json={**body, "given_name": "Samuel"})
    assert changed.status_code == 200
    assert changed.json()["given_name"] == "Samuel" and changed.json()["version"] == 2
    found = await sync.get("/v1/people", params={"external_id": f"mosaic:{mosaic_id}"})
    assert [p["id"] for p in found.json()["items"]] == [first.json()["id"]]
    practitioner = api.as_("practitioner", teams=[team])
    assert_problem(await practitioner.put(url, json=body), 403, "forbidden")


async def test_external_id_is_unique_per_system(api: Api) -> None:
    team = unique_team()
    me = api.as_("admin")
    value = f"M{uuid.uuid4().hex[:8]}"
    assert (
        await me.post("/v1/people", json=person_body(team, external_ids={"mosaic": value}))
    ).status_code == 201
    dup = await me.post("/v1/people", json=person_body(team, external_ids={"mosaic": value}))
    assert_problem(dup, 409, "external_id_taken")
    other_system = await me.post("/v1/people", json=person_body(team, external_ids={"lcs": value}))
    assert other_system.status_code == 201


async def test_r19_writes_and_reads_are_audited(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    person = await make_person(api, team)
    await me.get(f"/v1/people/{person['id']}")
    await me.patch(f"/v1/people/{person['id']}", json={"given_name": "Jo"})
    admin = api.as_("admin")
    trail = (await admin.get("/v1/audit", params={"subject_id": person["id"]})).json()["items"]
    actions = [entry["action"] for entry in trail]
    assert actions == ["person.created", "person.read", "person.updated"]
    update = trail[2]
    assert update["before"]["given_name"] == "Alex" and update["after"]["given_name"] == "Jo"
    assert update["actor"]["sub"] == me.sub
    assert update["request_id"]
    by_actor = (await admin.get("/v1/audit", params={"actor": me.sub})).json()["items"]
    assert {e["action"] for e in by_actor} == {"person.read", "person.updated"}
    assert_problem(await me.get("/v1/audit"), 403, "forbidden")


async def test_r19_delete_is_405(api: Api) -> None:
    team = unique_team()
    person = await make_person(api, team)
    me = api.as_("admin")
    response = await me.http.delete(f"/v1/people/{person['id']}", headers=me.headers)
    assert_problem(response, 405, "method_not_allowed")
    assert (await me.get(f"/v1/people/{person['id']}")).status_code == 200


async def test_upsert_accepts_external_ids_as_get_shows_them(api: Api) -> None:
    team = unique_team()
    sync = api.as_("integration")
    mosaic_id = f"M{uuid.uuid4().hex[:10]}"
    url = f"/v1/people/external/mosaic/{mosaic_id}"
    first = await sync.put(url, json=person_body(team))
    assert first.status_code == 201
    body = {k: v for k, v in first.json().items() if k in person_body(team)}
    lcs = f"L{uuid.uuid4().hex[:6]}"
    again = await sync.put(url, json={**body, "external_ids": {"mosaic": mosaic_id, "lcs": lcs}})
    assert again.status_code == 200, again.text
    assert again.json()["external_ids"] == {"mosaic": mosaic_id, "lcs": lcs}
    clash = await sync.put(url, json={**body, "external_ids": {"mosaic": "other"}})
    assert_problem(clash, 422, "validation_error")


async def test_only_integration_and_admin_set_external_ids_no_oracle_for_others(
    api: Api,
) -> None:
    """A practitioner cannot probe whether another team's Mosaic id exists: any body with
    external_ids is 403 before the id is looked up (never 409 external_id_taken)."""
    theirs = f"M{uuid.uuid4().hex[:8]}"
    other = unique_team()
    admin = api.as_("admin")
    assert (
        await admin.post("/v1/people", json=person_body(other, external_ids={"mosaic": theirs}))
    ).status_code == 201
    team = unique_team()
    mine = await make_person(api, team)
    url = f"/v1/people/{mine['id']}"
    for role in ("practitioner", "placements_officer", "placements_manager"):
        caller = api.as_(role, teams=[team])
        for value in (theirs, f"M{uuid.uuid4().hex[:8]}"):
            body = person_body(team, external_ids={"mosaic": value})
            assert_problem(await caller.post("/v1/people", json=body), 403, "forbidden")
            patched = await caller.patch(url, json={"external_ids": {"mosaic": value}})
            assert_problem(patched, 403, "forbidden")
    assert_problem(
        await admin.patch(url, json={"external_ids": {"mosaic": theirs}}), 409, "external_id_taken"
    )
    fresh = f"M{uuid.uuid4().hex[:8]}"
    linked = await admin.patch(url, json={"external_ids": {"mosaic": fresh}})
    assert linked.status_code == 200, linked.text
    assert linked.json()["external_ids"] == {"mosaic": fresh}


async def test_nhs_number_checked_with_its_modulus_11_check_digit(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    bad = "9434765918"
    body = assert_problem(
        await me.post("/v1/people", json=person_body(team, nhs_number=bad)), 422, "validation_error"
    )
    assert "nhs_number" in str(body["errors"]), body
    person = await make_person(api, team, nhs_number="9434765919")
    assert person["nhs_number"] == "9434765919"
    body = assert_problem(
        await me.patch(f"/v1/people/{person['id']}", json={"nhs_number": bad}),
        422,
        "validation_error",
    )
    assert "nhs_number" in str(body["errors"]), body
    integration = api.as_("integration")
    body = assert_problem(
        await integration.put(
            f"/v1/people/external/mosaic/N{uuid.uuid4().hex[:8]}",
            json=person_body(team, nhs_number=bad),
        ),
        422,
        "validation_error",
    )
    assert "nhs_number" in str(body["errors"]), body
