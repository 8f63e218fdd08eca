"""R18 work queue, revision 2: subject hrefs, every filter, (due_at, id) keyset pages,
counts, the manager's summary, reassignment by role, scope, and one query at any size."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert

from app.auth import Principal
from app.context import Context
from app.ids import uuid7
from app.models import WorkItem
from tests.api.test_panels import ready
from tests.support import Api, Caller, assert_problem, unique_team

NOW = datetime.now(UTC)


def system_ctx(api: Api) -> Context:
    state = api.app.state
    return Context(
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


async def open_item(
    api: Api,
    *,
    due_at: datetime,
    kind: str = "panel_documents_due",
    rule: str = "R3",
    user: str | None = None,
    team: str | None = None,
    scope_team: str | None = None,
    subject_type: str = "referral",
    subject_id: uuid.UUID | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Open a work item the way a service does, through the unit of work."""
    async with system_ctx(api).uow() as uow:
        item = uow.open_work(
            kind=kind,
            rule=rule,
            title=title or f"{kind} {uuid.uuid4().hex[:6]}",
            subject_type=subject_type,
            subject_id=subject_id or uuid.uuid4(),
            due_at=due_at,
            assignee_user=user,
            assignee_team=team,
            scope_team=scope_team,
        )
        return {"id": str(item.id), "subject_id": str(item.subject_id), "title": item.title}


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [i["id"] for i in response.json()["items"]]


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def mixed_queue(api: Api, me: Caller) -> dict[str, list[str]]:
    """Two overdue, one due today, three upcoming, owed by `me`."""
    out: dict[str, list[str]] = {"overdue": [], "due": [], "upcoming": []}
    for days in (-5, -2):
        out["overdue"].append(
            (await open_item(api, due_at=NOW + timedelta(days=days), user=me.sub))["id"]
        )
    out["due"].append((await open_item(api, due_at=NOW, user=me.sub))["id"])
    for days in (3, 4, 9):
        out["upcoming"].append(
            (await open_item(api, due_at=NOW + timedelta(days=days), user=me.sub))["id"]
        )
    return out


# --- counts and pages -------------------------------------------------------------------


async def test_r18_counts_cover_the_whole_filter_not_the_page(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    queue = await mixed_queue(api, me)
    page = await me.get("/v1/work", params={"assignee": "me", "count": "true", "limit": 2})
    body = page.json()
    assert body["counts"] == {"upcoming": 3, "due": 1, "overdue": 2}
    assert [i["id"] for i in body["items"]] == queue["overdue"]
    assert body["next_cursor"]
    late = await me.get(
        "/v1/work", params={"assignee": "me", "count": "true", "state": "overdue,due"}
    )
    assert late.json()["counts"] == {"upcoming": 0, "due": 1, "overdue": 2}
    assert [i["state"] for i in late.json()["items"]] == ["overdue", "overdue", "due"]
    plain = await me.get("/v1/work", params={"assignee": "me"})
    assert plain.json()["counts"] is None
    none = await me.get("/v1/work", params={"assignee": "me", "kind": "nothing", "count": "1"})
    assert none.json() == {
        "items": [],
        "next_cursor": None,
        "counts": {"upcoming": 0, "due": 0, "overdue": 0},
    }


async def test_r18_sorted_by_due_at_then_id_in_keyset_pages(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    same = NOW + timedelta(days=2)
    made = [
        await open_item(api, due_at=due, user=me.sub)
        for due in (same, NOW + timedelta(days=7), same, NOW - timedelta(days=1), same)
    ]
    dues = {
        m["id"]: d
        for m, d in zip(
            made, (same, NOW + timedelta(days=7), same, NOW - timedelta(days=1), same), strict=True
        )
    }
    expected = sorted(dues, key=lambda i: (dues[i], uuid.UUID(i)))
    seen: list[str] = []
    response = await me.get("/v1/work", params={"assignee": "me", "limit": 2})
    while True:
        seen += ids(response)
        if response.json()["next_cursor"] is None:
            assert "link" not in response.headers
            break
        link = response.headers["link"]
        response = await me.get(link[link.index("<") + 1 : link.index(">")])
    assert seen == expected
    # An item added before the cursor does not shift later pages.
    first = await me.get("/v1/work", params={"assignee": "me", "limit": 2})
    await open_item(api, due_at=NOW - timedelta(days=30), user=me.sub)
    rest = await me.get(
        "/v1/work", params={"assignee": "me", "cursor": first.json()["next_cursor"]}
    )
    assert ids(rest) == expected[2:]


async def test_r18_invalid_filter_values_are_422(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    for params in (
        {"state": "soon"},
        {"state": "overdue,later"},
        {"due_before": "2026-01-01T00:00:00"},  # no offset: not an RFC 3339 instant
        {"due_after": "yesterday"},
        {"rule": "R1000"},
        {"kind": "Not A Kind"},
        {"subject_type": "../people"},
        {"subject_id": "nope"},
        {"count": "perhaps"},
        {"limit": 0},
        {"cursor": "bm90IGEgY3Vyc29y"},
    ):
        assert_problem(await me.get("/v1/work", params=params), 422, "validation_error")


# --- every filter -----------------------------------------------------------------------


async def test_r18_every_filter(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    colleague = f"colleague-{team}"
    subject = uuid.uuid4()
    a = await open_item(api, due_at=NOW - timedelta(days=2), user=me.sub, subject_id=subject)
    b = await open_item(
        api, due_at=NOW + timedelta(days=2), user=me.sub, kind="courtesy_call", rule="R2"
    )
    c = await open_item(
        api,
        due_at=NOW + timedelta(days=4),
        team=team,
        kind="casework_checkpoint",
        rule="R9",
        subject_type="casework_episode",
    )
    d = await open_item(
        api, due_at=NOW + timedelta(days=6), user=colleague, scope_team=team, subject_type="review"
    )
    get = me.get
    assert ids(await get("/v1/work", params={"assignee": "me"})) == [a["id"], b["id"]]
    assert ids(await get("/v1/work", params={"assignee": colleague})) == [d["id"]]
    # What the team owes (a colleague's item on the team's case is theirs, not the team's).
    assert ids(await get("/v1/work", params={"team": team})) == [c["id"]]
    assert ids(await get("/v1/work", params={"team": team, "kind": "casework_checkpoint"})) == [
        c["id"]
    ]
    assert ids(await get("/v1/work", params={"assignee": "me", "rule": "R2"})) == [b["id"]]
    assert ids(await get("/v1/work", params={"assignee": "me", "kind": "courtesy_call"})) == [
        b["id"]
    ]
    assert ids(await get("/v1/work", params={"assignee": colleague, "subject_type": "review"})) == [
        d["id"]
    ]
    assert ids(await get("/v1/work", params={"team": team, "subject_type": "review"})) == []
    assert ids(await get("/v1/work", params={"subject_id": str(subject)})) == [a["id"]]
    assert ids(await get("/v1/work", params={"assignee": "me", "state": "overdue"})) == [a["id"]]
    assert ids(await get("/v1/work", params={"team": team, "state": "upcoming,due"})) == [c["id"]]
    assert ids(await get("/v1/work", params={"team": team, "state": "overdue"})) == []
    # due_before / due_after are exclusive instants.
    items = {i["id"]: i for i in (await get("/v1/work", params={"team": team})).json()["items"]}
    c_due = items[c["id"]]["due_at"]
    assert ids(await get("/v1/work", params={"team": team, "due_before": c_due})) == []
    assert ids(await get("/v1/work", params={"team": team, "due_after": c_due})) == []
    assert ids(await get("/v1/work", params={"assignee": colleague, "due_after": c_due})) == [
        d["id"]
    ]
    window = {"due_after": iso(NOW + timedelta(days=1)), "due_before": iso(NOW + timedelta(days=5))}
    assert ids(await get("/v1/work", params={"team": team, **window})) == [c["id"]]
    assert ids(await get("/v1/work", params={"assignee": "me", **window})) == [b["id"]]


# --- scope ------------------------------------------------------------------------------


async def test_r18_another_teams_items_and_titles_never_show(api: Api) -> None:
    team, other = unique_team(), unique_team()
    owner = api.as_("practitioner", teams=[team])
    secret_title = f"Attend practice assurance panel for {uuid.uuid4().hex} on 9 Dec"
    mine = await open_item(
        api, due_at=NOW - timedelta(days=1), user=owner.sub, scope_team=team, title=secret_title
    )
    theirs = await open_item(
        api, due_at=NOW - timedelta(days=1), team=team, scope_team=team, title=secret_title
    )
    stranger = api.as_("practitioner", teams=[other])
    for params in (
        {},
        {"team": team},
        {"assignee": owner.sub},
        {"state": "overdue", "count": "true", "team": team},
        {"subject_id": mine["subject_id"]},
    ):
        response = await stranger.get("/v1/work", params=params)
        assert response.status_code == 200
        assert mine["id"] not in response.text and theirs["id"] not in response.text
        assert secret_title not in response.text
    counted = await stranger.get("/v1/work", params={"team": team, "count": "true"})
    assert counted.json()["counts"] == {"upcoming": 0, "due": 0, "overdue": 0}
    summary = await stranger.get("/v1/work/summary", params={"team": team})
    assert summary.json() == {"items": []}
    supervisor = api.as_("practice_supervisor", teams=[other])
    assert_problem(
        await supervisor.post(f"/v1/work/{mine['id']}/assign", json={"user": "x"}),
        404,
        "not_found",
    )
    # The owner's team sees both, titles as they are.
    seen = (await owner.get("/v1/work")).json()["items"]
    assert {i["id"]: i["title"] for i in seen} == {
        mine["id"]: secret_title,
        theirs["id"]: secret_title,
    }


# --- hrefs ------------------------------------------------------------------------------


async def test_r18_subject_href_for_each_subject_type(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    paths = {
        "person": "/v1/people/",
        "referral": "/v1/referrals/",
        "match": "/v1/matches/",
        "funding_request": "/v1/funding-requests/",
        "placement": "/v1/placements/",
        "panel": "/v1/panels/",
        "panel_booking": "/v1/panel-bookings/",
        "document": "/v1/documents/",
        "support_request": "/v1/support-requests/",
        "casework_episode": "/v1/casework-episodes/",
        "supervision": "/v1/supervisions/",
        "review": "/v1/reviews/",
        "contact_restriction": "/v1/contact-restrictions/",
    }
    for subject_type in paths:
        await open_item(api, due_at=NOW, user=me.sub, subject_type=subject_type)
    items = (await me.get("/v1/work", params={"assignee": "me", "limit": 200})).json()["items"]
    assert {i["subject"]["type"]: i["subject"]["href"] for i in items} == {
        i["subject"]["type"]: paths[i["subject"]["type"]] + i["subject"]["id"] for i in items
    }
    assert len(items) == len(paths)


async def test_r18_a_panel_action_links_to_its_booking(api: Api) -> None:
    team, me, booking = await ready(api)
    chair = api.as_("panel_member")
    decided = await chair.post(
        f"/v1/panel-bookings/{booking['id']}/decision",
        json={"outcome": "approved_with_actions", "actions": ["Adjust support hours"]},
    )
    assert decided.status_code == 200, decided.text
    items = (await me.get("/v1/work", params={"team": team, "kind": "panel_action"})).json()
    assert [i["subject"]["href"] for i in items["items"]] == [f"/v1/panel-bookings/{booking['id']}"]


# --- the manager's view -----------------------------------------------------------------


async def test_r18_summary_counts_per_assignee_and_state(api: Api) -> None:
    team = unique_team()
    alice, bob = f"alice-{team}", f"bob-{team}"
    for days in (-3, -1, 0):
        await open_item(api, due_at=NOW + timedelta(days=days), team=team, scope_team=team)
    await open_item(api, due_at=NOW + timedelta(days=5), user=alice, scope_team=team)
    await open_item(api, due_at=NOW - timedelta(days=5), user=bob, scope_team=team)
    await open_item(api, due_at=NOW, user=bob, scope_team=team)
    await open_item(api, due_at=NOW - timedelta(days=5), user=bob, scope_team=unique_team())
    manager = api.as_("team_manager", teams=[team])
    summary = await manager.get("/v1/work/summary", params={"team": team})
    assert summary.status_code == 200, summary.text
    assert summary.json() == {
        "items": [
            {"assignee": {"team": team}, "upcoming": 0, "due": 1, "overdue": 2},
            {"assignee": {"user": alice}, "upcoming": 1, "due": 0, "overdue": 0},
            {"assignee": {"user": bob}, "upcoming": 0, "due": 1, "overdue": 1},
        ]
    }
    # The team's own row is what `GET /v1/work?team=` counts; a person's row, `assignee=`.
    counts = await manager.get("/v1/work", params={"team": team, "count": "true"})
    assert counts.json()["counts"] == {"upcoming": 0, "due": 1, "overdue": 2}
    bobs = await manager.get("/v1/work", params={"assignee": bob, "count": "true"})
    assert bobs.json()["counts"] == {"upcoming": 0, "due": 1, "overdue": 2}  # + another team's
    # A practitioner of the team sees the same summary (reads are open within scope).
    practitioner = api.as_("practitioner", teams=[team])
    same = await practitioner.get("/v1/work/summary", params={"team": team})
    assert same.json() == summary.json()


# --- reassignment -----------------------------------------------------------------------


async def test_r18_assign_by_role(api: Api) -> None:
    team = unique_team()
    for role in ("team_manager", "practice_supervisor", "placements_manager"):
        item = await open_item(api, due_at=NOW, user=f"leaver-{team}", scope_team=team)
        caller = api.as_(role, teams=[team])
        moved = await caller.post(f"/v1/work/{item['id']}/assign", json={"user": f"new-{team}"})
        assert moved.status_code == 200, (role, moved.text)
        assert moved.json()["assignee"] == {"user": f"new-{team}"}
    item = await open_item(api, due_at=NOW, user=f"leaver-{team}", scope_team=team)
    for role in ("practitioner", "placements_officer", "support_worker", "admin", "reviewer"):
        caller = api.as_(role, teams=[team])
        refused = await caller.post(f"/v1/work/{item['id']}/assign", json={"team": team})
        assert_problem(refused, 403, "forbidden")


async def test_r18_assign_moves_an_open_item_with_etag_audit_and_event(api: Api) -> None:
    team, other = unique_team(), unique_team()
    leaver = api.as_("practitioner", teams=[team])
    item = await open_item(api, due_at=NOW, user=leaver.sub, scope_team=team)
    manager = api.as_("team_manager", teams=[team])
    url = f"/v1/work/{item['id']}/assign"
    for body in ({}, {"user": "a", "team": "b"}, {"user": ""}, {"user": "a", "extra": 1}):
        assert_problem(await manager.post(url, json=body), 422, "validation_error")
    assert_problem(
        await manager.post(url, json={"team": other}, headers={"If-Match": '"5"'}),
        412,
        "precondition_failed",
    )
    moved = await manager.post(url, json={"team": other}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200, moved.text
    assert moved.headers["etag"] == '"2"'
    assert (moved.json()["assignee"], moved.json()["version"]) == ({"team": other}, 2)
    assert ids(await leaver.get("/v1/work", params={"assignee": "me"})) == []
    newcomer = api.as_("practitioner", teams=[other])
    assert ids(await newcomer.get("/v1/work", params={"team": other})) == [item["id"]]
    again = await manager.post(url, json={"user": f"someone-{team}"})
    assert again.json()["version"] == 3

    admin = api.as_("admin")
    trail = (await admin.get("/v1/audit", params={"subject_id": item["id"]})).json()["items"]
    assigned = [e for e in trail if e["action"] == "work_item.assigned"]
    assert len(assigned) == 2 and assigned[0]["actor"]["sub"] == manager.sub
    assert sorted(str(e["before"]["assignee"]) for e in assigned) == sorted(
        [str({"user": leaver.sub}), str({"team": other})]
    )
    params = {"type": "work_item.assigned", "limit": 200}
    feed = (await admin.get("/v1/events", params=params)).json()
    mine = [e for e in feed["items"] if e["subject"]["id"] == item["id"]]
    while feed["next_cursor"]:
        feed = (
            await admin.get(
                "/v1/events",
                params={**params, "cursor": feed["next_cursor"]},
            )
        ).json()
        mine += [e for e in feed["items"] if e["subject"]["id"] == item["id"]]
    assert [e["data"] for e in mine] == [
        {
            "work_item_id": item["id"],
            "kind": "panel_documents_due",
            "rule": "R3",
            "changed": ["assignee"],
        }
    ] * 2


async def test_r18_a_closed_item_cannot_be_reassigned(api: Api) -> None:
    team = unique_team()
    me = api.as_("support_worker", teams=[team])
    item = await open_item(api, due_at=NOW, user=me.sub, kind="case_note_alert", rule="R10")
    assert (await me.post(f"/v1/work/{item['id']}/acknowledge")).status_code == 200
    manager = api.as_("placements_manager")
    closed = await manager.post(f"/v1/work/{item['id']}/assign", json={"user": "x"})
    assert_problem(closed, 409, "invalid_transition", rule="R18")
    missing = await manager.post(f"/v1/work/{uuid.uuid4()}/assign", json={"user": "x"})
    assert_problem(missing, 404, "not_found")


# --- one query at any size --------------------------------------------------------------


@contextmanager
def counting_statements(api: Api) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = api.app.state.engine.sync_engine

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


async def bulk_open(api: Api, user: str, count: int) -> None:
    rows = [
        {
            "id": uuid7(),
            "kind": "panel_documents_due",
            "rule": "R3",
            "title": "Send the documents",
            "subject_type": "referral",
            "subject_id": uuid.uuid4(),
            "assignee_user": user,
            "due_at": NOW + timedelta(days=n % 20 - 10, minutes=n),
            "created_at": NOW,
            "version": 1,
        }
        for n in range(count)
    ]
    async with api.app.state.sessionmaker() as session, session.begin():
        await (await session.connection()).execute(insert(WorkItem), rows)


async def test_r18_the_queue_is_the_same_statements_for_1_item_and_1000(api: Api) -> None:
    counts: dict[int, int] = {}
    for size in (1, 1000):
        me = api.as_("practitioner", teams=[unique_team()])
        await bulk_open(api, me.sub, size)
        params = {"assignee": "me", "count": "true", "limit": 200}
        with counting_statements(api) as statements:
            response = await me.get("/v1/work", params=params)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) == min(size, 200)
        assert sum(body["counts"].values()) == size
        counts[size] = len(statements)
        with counting_statements(api) as summary_statements:
            summary = await me.get("/v1/work/summary")
        assert summary.status_code == 200
        counts[-size] = len(summary_statements)
    assert counts[1] == counts[1000]
    assert counts[-1] == counts[-1000]
    assert counts[1] <= 4  # begin, the page, the counts, commit


async def test_r18_the_queue_query_reads_an_open_items_index_in_due_order(api: Api) -> None:
    """The page query of `assignee=me` and of a cross-team role's whole queue each read a
    partial index on open items in (due_at, id) order: no scan of closed items, no sort."""
    me = api.as_("practitioner", teams=[unique_team()])
    await bulk_open(api, me.sub, 50)
    engine = api.app.state.engine
    sqlite = engine.dialect.name == "sqlite"
    captured: list[tuple[str, Any]] = []

    def before(_c: Any, _cur: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if "FROM work_items" in statement and "ORDER BY" in statement:
            captured.append((statement, parameters))

    for caller, params, index in (
        (me, {"assignee": "me"}, "ix_work_items_open_user_due"),
        (api.as_("placements_manager"), {}, "ix_work_items_open_due"),
    ):
        captured.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", before)
        try:
            assert (await caller.get("/v1/work", params=params)).status_code == 200
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", before)
        [(statement, parameters)] = captured
        async with engine.connect() as conn:
            if sqlite:
                rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " | ".join(str(r[-1]) for r in rows)
                assert "TEMP B-TREE" not in plan, plan
                assert index in plan, plan
            else:
                # Fresh statistics (the suite's other tests fill this table), and tables
                # this small are cheaper to scan: ask whether an open-items index serves.
                # Which of the partial indexes on open items the planner takes depends on
                # those statistics; any of them reads no closed item.
                await conn.exec_driver_sql("ANALYZE work_items")
                await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                rows = await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                plan = " | ".join(str(r[0]) for r in rows)
                assert "ix_work_items_open_" in plan, plan
                assert "Seq Scan" not in plan, plan
            await conn.rollback()
