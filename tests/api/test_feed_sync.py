"""Feed and lists for integrators (issue 13): `GET /v1/events/head`, the feed's filters
`type` (prefix), `subject_type`, `subject_id`, and `updated_since` on lists."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Caller, assert_problem, make_person, unique_team


async def _all_events(caller: Caller, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
        response = await caller.get("/v1/events", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        out.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return out


async def test_head_starts_a_mirror_from_now(api: Api) -> None:
    admin = api.as_("admin")
    team = unique_team()
    before = await make_person(api, team)
    head = await admin.get("/v1/events/head")
    assert head.status_code == 200, head.text
    cursor = head.json()["cursor"]
    assert isinstance(cursor, str) and cursor
    # nothing after the head yet (of this team's people)
    later = await admin.get("/v1/events", params={"after": cursor, "limit": 200})
    assert later.status_code == 200
    assert all(e["subject"]["id"] != before["id"] for e in later.json()["items"])
    after = await make_person(api, team)
    events = await _all_events(admin, after=cursor)
    ids = {e["subject"]["id"] for e in events}
    assert after["id"] in ids and before["id"] not in ids
    # the head moved on
    assert (await admin.get("/v1/events/head")).json()["cursor"] != cursor
    # any role may read it (reads are open within scope)
    assert (await api.as_("practitioner", teams=[team]).get("/v1/events/head")).status_code == 200


async def test_feed_filters_type_prefix_and_subject(api: Api) -> None:
    admin = api.as_("admin")
    team = unique_team()
    cursor = (await admin.get("/v1/events/head")).json()["cursor"]
    one = await make_person(api, team)
    two = await make_person(api, team)
    me = api.as_("practitioner", teams=[team])
    patched = await me.patch(f"/v1/people/{one['id']}", json={"given_name": "Sam"})
    assert patched.status_code == 200, patched.text

    by_subject = await _all_events(admin, after=cursor, subject_id=one["id"])
    assert [e["type"] for e in by_subject] == ["person.created", "person.updated"]
    assert {e["subject"]["id"] for e in by_subject} == {one["id"]}

    typed = await _all_events(admin, after=cursor, type="person.upd")
    assert {e["type"] for e in typed} == {"person.updated"}
    assert one["id"] in {e["subject"]["id"] for e in typed}

    kinds = await _all_events(admin, after=cursor, subject_type="person")
    assert {e["subject"]["type"] for e in kinds} == {"person"}
    assert {one["id"], two["id"]} <= {e["subject"]["id"] for e in kinds}
    assert (
        await _all_events(admin, after=cursor, subject_type="provider", subject_id=one["id"]) == []
    )

    # a prefix is literal: wildcards match nothing
    assert await _all_events(admin, after=cursor, type="%") == []
    assert await _all_events(admin, after=cursor, type="p_rson.") == []
    # the caller's teams: one team, or several, and events of no team are everyone's
    for teams in ([team], [team, unique_team()]):
        scoped = await _all_events(api.as_("practitioner", teams=teams), after=cursor)
        assert {one["id"], two["id"]} <= {e["subject"]["id"] for e in scoped}
    assert not {one["id"], two["id"]} & {
        e["subject"]["id"]
        for e in await _all_events(api.as_("practitioner", teams=[unique_team()]), after=cursor)
    }
    assert_problem(
        await admin.get("/v1/events", params={"subject_id": "nope"}), 422, "validation_error"
    )


async def test_updated_since_on_people(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    old = await make_person(api, team)
    new = await make_person(api, team)
    since = new["updated_at"]
    listed = await me.get("/v1/people", params={"team": team, "updated_since": since})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()["items"]] == [new["id"]]
    patched = await me.patch(f"/v1/people/{old['id']}", json={"given_name": "Sam"})
    assert patched.status_code == 200
    since = patched.json()["updated_at"]
    listed = await me.get("/v1/people", params={"team": team, "updated_since": since})
    assert [p["id"] for p in listed.json()["items"]] == [old["id"]]
    # any offset is accepted and compared as the same instant
    plus_one = "2000-01-01T01:00:00+01:00"
    listed = await me.get("/v1/people", params={"team": team, "updated_since": plus_one})
    assert {p["id"] for p in listed.json()["items"]} == {old["id"], new["id"]}
    for bad in [
        "2026-01-31",
        "2026-01-31T09:00:00",
        "yesterday",
        "1700000000",
        "2026-13-01T00:00:00Z",
    ]:
        body = assert_problem(
            await me.get("/v1/people", params={"updated_since": bad}), 422, "validation_error"
        )
        assert "updated_since" in str(body), body


async def test_updated_since_on_every_list_of_changing_records(api: Api) -> None:
    """Each list declaring `updated_since` applies it: a time to come lists nothing."""
    spec = api.app.openapi()
    admin = api.as_("admin")
    await make_person(api, unique_team())
    checked = []
    for path, ops in spec["paths"].items():
        get = ops.get("get")
        if get is None or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if "updated_since" not in names:
            continue
        future = await admin.get(path, params={"updated_since": "2999-01-01T00:00:00Z"})
        assert future.status_code == 200, (path, future.text)
        assert future.json()["items"] == [], path
        assert_problem(
            await admin.get(path, params={"updated_since": "2026-01-01"}), 422, "validation_error"
        )
        checked.append(path)
    expected = {
        "/v1/people",
        "/v1/providers",
        "/v1/referrals",
        "/v1/placements",
        "/v1/panels",
        "/v1/panel-bookings",
        "/v1/reviews",
        "/v1/funding-requests",
        "/v1/work",
        "/v1/duty-tracker",
    }
    assert expected <= set(checked), checked
    for path in ["/v1/events", "/v1/audit"]:
        assert path not in checked
