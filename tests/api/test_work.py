"""R18 work queue over HTTP: listing by assignee, team, state, rule; acknowledging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.auth import Principal
from app.context import Context
from tests.pathway import make_referral
from tests.support import Api, assert_problem, make_person, unique_team


async def open_item(
    api: Api,
    *,
    kind: str,
    rule: str,
    due_at: datetime,
    user: str | None = None,
    team: str | None = None,
    scope_team: str | None = None,
) -> str:
    """Open a work item the way a service does, through the unit of work."""
    state = api.app.state
    ctx = Context(
        principal=Principal(
            sub="system", name="system", roles=frozenset({"admin"}), teams=frozenset()
        ),
        request_id="test",
        settings=state.settings,
        policy=state.policy,
        calendar=state.calendar,
        sessionmaker=state.sessionmaker,
        storage=state.storage,
    )
    async with ctx.uow() as uow:
        item = uow.open_work(
            kind=kind,
            rule=rule,
            title=f"{kind} test",
            subject_type="person",
            subject_id=uuid.uuid4(),
            due_at=due_at,
            assignee_user=user,
            assignee_team=team,
            scope_team=scope_team,
        )
        return str(item.id)


async def test_r18_states_and_filters(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    now = datetime.now(UTC)
    overdue = await open_item(
        api, kind="case_note_alert", rule="R10", due_at=now - timedelta(days=3), user=me.sub
    )
    due = await open_item(api, kind="case_note_alert", rule="R10", due_at=now, user=me.sub)
    upcoming = await open_item(
        api, kind="panel_documents_due", rule="R3", due_at=now + timedelta(days=5), user=me.sub
    )
    teams_item = await open_item(api, kind="casework_checkpoint", rule="R9", due_at=now, team=team)

    mine = (await me.get("/v1/work", params={"assignee": "me"})).json()["items"]
    assert {i["id"]: i["state"] for i in mine} == {
        overdue: "overdue",
        due: "due",
        upcoming: "upcoming",
    }
    item = next(i for i in mine if i["id"] == upcoming)
    assert item["assignee"] == {"user": me.sub}
    assert item["rule"] == "R3" and item["subject"]["type"] == "person"

    only_late = (await me.get("/v1/work", params={"assignee": "me", "state": "overdue,due"})).json()
    assert {i["id"] for i in only_late["items"]} == {overdue, due}
    r3 = (await me.get("/v1/work", params={"assignee": "me", "rule": "R3"})).json()["items"]
    assert [i["id"] for i in r3] == [upcoming]
    by_team = (await me.get("/v1/work", params={"team": team})).json()["items"]
    assert [i["id"] for i in by_team] == [teams_item]
    assert_problem(await me.get("/v1/work", params={"state": "soon"}), 422, "validation_error")


async def test_r18_other_peoples_items_are_hidden_from_team_roles(api: Api) -> None:
    team = unique_team()
    someone = api.as_("support_worker", teams=[team])
    item = await open_item(
        api,
        kind="case_note_alert",
        rule="R10",
        due_at=datetime.now(UTC),
        user=someone.sub,
        scope_team=team,
    )
    stranger = api.as_("practitioner", teams=[unique_team()])
    seen = (await stranger.get("/v1/work", params={"assignee": someone.sub})).json()["items"]
    assert seen == []
    assert_problem(await stranger.post(f"/v1/work/{item}/acknowledge"), 404, "not_found")
    colleague = api.as_("practitioner", teams=[team])
    assert [
        i["id"]
        for i in (await colleague.get("/v1/work", params={"assignee": someone.sub})).json()["items"]
    ] == [item]
    assert_problem(await colleague.post(f"/v1/work/{item}/acknowledge"), 403, "forbidden")


async def test_acknowledge_closes_an_alert_once(api: Api) -> None:
    me = api.as_("support_worker", teams=[unique_team()])
    item = await open_item(
        api, kind="case_note_alert", rule="R10", due_at=datetime.now(UTC), user=me.sub
    )
    done = await me.post(f"/v1/work/{item}/acknowledge")
    assert done.status_code == 200, done.text
    assert done.json()["closed_at"] is not None
    assert (await me.get("/v1/work", params={"assignee": "me"})).json()["items"] == []
    assert_problem(
        await me.post(f"/v1/work/{item}/acknowledge"), 409, "invalid_transition", rule="R18"
    )


async def test_deadline_items_cannot_be_acknowledged_away(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    item = await open_item(
        api, kind="panel_documents_due", rule="R3", due_at=datetime.now(UTC), user=me.sub
    )
    assert_problem(
        await me.post(f"/v1/work/{item}/acknowledge"), 409, "invalid_transition", rule="R18"
    )
    assert_problem(await me.post(f"/v1/work/{uuid.uuid4()}/acknowledge"), 404, "not_found")


async def test_policy_shows_the_numbers_in_force(api: Api) -> None:
    policy = (await api.as_("practitioner", teams=["t"]).get("/v1/policy")).json()
    assert policy["casework_contacts_per_episode"] == 10
    assert policy["panel_document_working_days"] == 3
    assert policy["cla_review_stages"] == ["28d", "3m"]
    assert policy["adult_review_stages"] == ["8w", "12m"]
    assert policy["review_record_send_days"] == 10
    assert policy["contact_restriction_notify_hours"] == 24
    assert policy["uk_nation"] == "england-and-wales"
    assert "risk_assessment" in policy["document_kinds"]


async def test_event_feed_in_order_with_cursor_and_team_scope(api: Api) -> None:
    team = unique_team()
    admin = api.as_("admin")
    start = (await admin.get("/v1/events", params={"limit": 200})).json()
    cursor = start["items"][-1]["id"] if start["items"] else None
    while start["next_cursor"]:
        start = (
            await admin.get("/v1/events", params={"limit": 200, "cursor": start["next_cursor"]})
        ).json()
        cursor = start["items"][-1]["id"] if start["items"] else cursor
    person = await make_person(api, team)
    me = api.as_("practitioner", teams=[team])
    await me.patch(f"/v1/people/{person['id']}", json={"given_name": "Robin"})
    params = {"after": cursor} if cursor else {}
    feed = (await admin.get("/v1/events", params=params)).json()["items"]
    mine = [e for e in feed if e["subject"]["id"] == person["id"]]
    assert [e["type"] for e in mine] == ["person.created", "person.updated"]
    assert mine[0]["data"]["person_id"] == person["id"]
    after_first = (await admin.get("/v1/events", params={"after": mine[0]["id"]})).json()["items"]
    assert after_first[0]["id"] == mine[1]["id"]
    outsider = api.as_("practitioner", teams=[unique_team()])
    theirs = (await outsider.get("/v1/events", params=params)).json()["items"]
    assert all(e["subject"]["id"] != person["id"] for e in theirs)


async def test_acknowledge_honours_if_match_and_assignee_shows_only_the_owner(api: Api) -> None:
    me = api.as_("support_worker", teams=[unique_team()])
    item = await open_item(
        api, kind="case_note_alert", rule="R10", due_at=datetime.now(UTC), user=me.sub
    )
    listed = (await me.get("/v1/work", params={"assignee": "me"})).json()["items"]
    assert listed[0]["assignee"] == {"user": me.sub}
    assert listed[0]["version"] == 1
    stale = await me.post(f"/v1/work/{item}/acknowledge", headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "precondition_failed")
    done = await me.post(f"/v1/work/{item}/acknowledge", headers={"If-Match": '"1"'})
    assert done.status_code == 200 and done.headers["etag"] == '"2"'


async def test_event_feed_link_moves_on(api: Api) -> None:
    team = unique_team()
    for _ in range(3):
        await make_person(api, team)
    admin = api.as_("admin")
    first = await admin.get("/v1/events", params={"limit": 1})
    seen = [first.json()["items"][0]["id"]]
    link = first.headers["link"]
    nxt = link[link.index("<") + 1 : link.index(">")]
    assert "cursor=" not in nxt and "after=" in nxt
    second = await admin.get(nxt)
    assert second.json()["items"][0]["id"] != seen[0]
    third = await admin.get(second.headers["link"].split(">")[0][1:])
    assert third.json()["items"][0]["id"] not in {seen[0], second.json()["items"][0]["id"]}


async def test_cursor_of_the_wrong_kind_or_too_big_is_422(api: Api) -> None:
    from app.pagination import encode_cursor

    admin = api.as_("admin")
    assert_problem(
        await admin.get("/v1/people", params={"cursor": encode_cursor(5)}), 422, "validation_error"
    )
    assert_problem(
        await admin.get("/v1/events", params={"after": encode_cursor(uuid.uuid4())}),
        422,
        "validation_error",
    )
    huge = "eyJrIjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTl9"
    assert_problem(await admin.get("/v1/events", params={"after": huge}), 422, "validation_error")


async def test_nul_characters_are_never_a_500(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    from tests.support import person_body

    created = await me.post("/v1/people", json=person_body(team, given_name="a\u0000b"))
    assert created.status_code in (201, 422), created.text
    listed = await me.get("/v1/people", params={"q": "a\u0000"})
    assert listed.status_code in (200, 422), listed.text


async def test_placements_team_work_is_routed_by_role_not_by_a_team_in_the_token(
    api: Api,
) -> None:
    """API.md: items for "the placements team" are visible only to placements roles,
    whatever teams a token lists."""
    team = unique_team()
    referral = await make_referral(api, team, urgency="emergency")
    params = {"subject_id": referral["id"], "kind": "emergency_referral"}
    for caller in (
        api.as_("placements_officer"),
        api.as_("placements_manager", teams=["placements"]),
        api.as_("admin"),
    ):
        items = (await caller.get("/v1/work", params=params)).json()["items"]
        assert [(i["kind"], i["assignee"]) for i in items] == [
            ("emergency_referral", {"team": "placements"})
        ], caller.roles
    item_id = items[0]["id"]
    for caller in (
        api.as_("practitioner", teams=["placements"]),
        api.as_("practitioner", teams=[team, "placements"]),
        api.as_("team_manager", teams=["placements"]),
        api.as_("reviewer", teams=["placements"]),
    ):
        response = await caller.get("/v1/work", params=params)
        assert response.status_code == 200 and response.json()["items"] == [], caller.roles
        everything = await caller.get("/v1/work", params={"team": "placements", "limit": 200})
        assert everything.json()["items"] == [], caller.roles
        assert_problem(await caller.post(f"/v1/work/{item_id}/acknowledge"), 404, "not_found")
