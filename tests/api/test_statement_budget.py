"""Statement budgets: how many SQL statements one request may send, whatever the number of
rows it answers with (docs/performance.md). Every list and every action stays at 6 or
under, with 1 row and with 50, so an N+1 cannot creep in unseen.

Counted with a `before_cursor_execute` listener on the app's engine: every statement the
app sends through SQLAlchemy, not transaction control (BEGIN, COMMIT)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.pathway import make_referral
from tests.support import Api, Caller, make_person, person_body, unique_team
from tests.support_flow import contact_body, make_allocated

BUDGET = 6


@contextmanager
def counting(api: Api) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = api.app.state.engine.sync_engine

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def statements(api: Api, caller: Caller, method: str, url: str, **kw: Any) -> int:
    with counting(api) as seen:
        response = await getattr(caller, method)(url, **kw)
    assert response.status_code < 300, response.text
    return len(seen)


async def a_team_with(api: Api, rows: int) -> tuple[str, Caller, list[dict[str, Any]]]:
    team = unique_team()
    referrals = [await make_referral(api, team) for _ in range(rows)]
    return team, api.as_("practitioner", teams=[team]), referrals


@pytest.mark.parametrize("rows", [1, 50])
async def test_lists_stay_within_budget_whatever_the_rows(api: Api, rows: int) -> None:
    team, me, referrals = await a_team_with(api, rows)
    person_id = referrals[0]["person_id"]
    integration = api.as_("integration")
    lists = {
        "people": ("/v1/people", {"team": team, "limit": 50}),
        "referrals": ("/v1/referrals", {"limit": 50}),
        "referrals by person": ("/v1/referrals", {"person_id": person_id}),
        "work": ("/v1/work", {"limit": 50}),
    }
    counts = {
        name: await statements(api, me, "get", url, params=params)
        for name, (url, params) in lists.items()
    }
    counts["events"] = await statements(api, integration, "get", "/v1/events", params={"limit": 50})
    over = {name: n for name, n in counts.items() if n > BUDGET}
    assert not over, f"over the budget of {BUDGET} statements with {rows} rows: {over}"


async def test_reads_and_actions_stay_within_budget(api: Api) -> None:
    team, me, (referral,) = await a_team_with(api, 1)
    counts = {
        "GET referral": await statements(api, me, "get", f"/v1/referrals/{referral['id']}"),
        "GET person": await statements(api, me, "get", f"/v1/people/{referral['person_id']}"),
        "POST person": await statements(api, me, "post", "/v1/people", json=person_body(team)),
        "POST referral": await statements(
            api,
            me,
            "post",
            "/v1/referrals",
            json={
                "person_id": referral["person_id"],
                "urgency": "planned",
                "service": "foster_care",
                "needs": "A foster home near school.",
                "requested_start": "2026-12-01",
            },
        ),
    }
    draft = await make_referral(api, team, submit=False)
    counts["submit referral"] = await statements(
        api, me, "post", f"/v1/referrals/{draft['id']}/submit"
    )
    support = await make_allocated(api, unique_team())
    counts["casework contact"] = await statements(
        api,
        support.worker,
        "post",
        f"/v1/casework-episodes/{support.episode['id']}/contacts",
        json=contact_body(1),
    )
    over = {name: n for name, n in counts.items() if n > BUDGET}
    assert not over, f"over the budget of {BUDGET} statements: {over}"


async def test_the_counter_sees_statements(api: Api) -> None:
    """The listener is on the engine the app uses (a budget test that counts 0 proves
    nothing)."""
    team = unique_team()
    person = await make_person(api, team)
    me = api.as_("practitioner", teams=[team])
    assert await statements(api, me, "get", f"/v1/people/{person['id']}") >= 2
