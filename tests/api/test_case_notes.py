"""Case notes over HTTP (R10): types, alerts as work items until acknowledged, scope."""

from __future__ import annotations

from tests.support import Api, assert_problem, make_person, unique_team


async def test_r10_direct_work_with_child_is_a_case_note_with_alerts(api: Api) -> None:
    team = unique_team()
    child = await make_person(api, team)
    psw = api.as_("support_worker", teams=[team])
    ssw = api.as_("supervising_social_worker", teams=[team], sub="ssw-" + team)
    sw = api.as_("practitioner", teams=[team], sub="sw-" + team)
    response = await psw.post(
        f"/v1/people/{child['id']}/case-notes",
        json={
            "type": "psw_direct_work_with_child",
            "text": "Life-story work with the child at school.",
            "alerts": [ssw.sub, sw.sub, ssw.sub],
        },
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert response.headers["Location"].endswith(
        f"/v1/people/{child['id']}/case-notes/{note['id']}"
    )
    assert (note["person_id"], note["type"], note["author"], note["alerts"]) == (
        child["id"],
        "psw_direct_work_with_child",
        psw.sub,
        [ssw.sub, sw.sub],
    )
    assert note["created_at"]
    for alerted in (ssw, sw):
        mine = await alerted.get("/v1/work", params={"assignee": "me"})
        items = mine.json()["items"]
        assert [(i["kind"], i["rule"], i["subject"], i["state"]) for i in items] == [
            (
                "case_note_alert",
                "R10",
                {
                    "type": "case_note",
                    "id": note["id"],
                    "href": f"/v1/people/{child['id']}/case-notes/{note['id']}",
                },
                "due",
            )
        ]
    # Only the alerted user may acknowledge their alert; then it is gone from their work.
    item = (await ssw.get("/v1/work", params={"assignee": "me"})).json()["items"][0]
    assert_problem(await sw.post(f"/v1/work/{item['id']}/acknowledge"), 403, "forbidden")
    acknowledged = await ssw.post(f"/v1/work/{item['id']}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    assert (await ssw.get("/v1/work", params={"assignee": "me"})).json()["items"] == []
    assert len((await sw.get("/v1/work", params={"assignee": "me"})).json()["items"]) == 1
    assert_problem(
        await ssw.post(f"/v1/work/{item['id']}/acknowledge"), 409, "invalid_transition", rule="R18"
    )
    events = await api.as_("admin").get(
        "/v1/events", params={"type": "case_note.created", "limit": 200}
    )
    mine = [e for e in events.json()["items"] if e["subject"]["id"] == note["id"]]
    assert [(e["data"]["type"], e["data"]["alerts"]) for e in mine] == [
        ("psw_direct_work_with_child", [ssw.sub, sw.sub])
    ]
    assert "text" not in mine[0]["data"]  # the note itself stays on the record, not the feed


async def test_r10_case_notes_list_get_and_filter(api: Api) -> None:
    team = unique_team()
    child = await make_person(api, team)
    writer = api.as_("practitioner", teams=[team])
    url = f"/v1/people/{child['id']}/case-notes"
    first = (await writer.post(url, json={"type": "general", "text": "One"})).json()
    second = (
        await writer.post(url, json={"type": "psw_direct_work_with_child", "text": "Two"})
    ).json()
    listed = await api.as_("support_worker", teams=[team]).get(url)
    assert [n["id"] for n in listed.json()["items"]] == [first["id"], second["id"]]
    only = await writer.get(url, params={"type": "psw_direct_work_with_child"})
    assert [n["id"] for n in only.json()["items"]] == [second["id"]]
    one = await writer.get(f"{url}/{first['id']}")
    assert one.status_code == 200 and one.json()["text"] == "One"
    other_child = await make_person(api, team)
    assert_problem(
        await writer.get(f"/v1/people/{other_child['id']}/case-notes/{first['id']}"),
        404,
        "not_found",
    )
    audit = await api.as_("admin").get("/v1/audit", params={"subject_id": child["id"]})
    assert "person.case_notes_read" in [a["action"] for a in audit.json()["items"]]


async def test_r10_case_note_validation(api: Api) -> None:
    team = unique_team()
    child = await make_person(api, team)
    writer = api.as_("support_worker", teams=[team])
    url = f"/v1/people/{child['id']}/case-notes"
    assert_problem(
        await writer.post(url, json={"type": "casework_contact", "text": "x"}),
        422,
        "validation_error",
    )
    assert_problem(
        await writer.post(url, json={"type": "general", "text": ""}), 422, "validation_error"
    )


async def test_r10_case_note_roles_and_scope(api: Api) -> None:
    team = unique_team()
    child = await make_person(api, team)
    url = f"/v1/people/{child['id']}/case-notes"
    body = {"type": "general", "text": "A note"}
    for role in ("practice_supervisor", "team_manager", "panel_member", "integration"):
        assert_problem(await api.as_(role, teams=[team]).post(url, json=body), 403, "forbidden")
    for role in ("practitioner", "support_worker", "supervising_social_worker", "reviewer"):
        response = await api.as_(role, teams=[team]).post(url, json=body)
        assert response.status_code == 201, (role, response.text)
    outsider = api.as_("support_worker", teams=[unique_team()])
    assert_problem(await outsider.get(url), 404, "not_found")
    assert_problem(await outsider.post(url, json=body), 404, "not_found")
    assert (await api.as_("placements_officer").get(url)).status_code == 200
