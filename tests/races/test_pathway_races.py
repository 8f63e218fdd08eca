"""R5 and R7 under concurrent requests on PostgreSQL (row locks, in a pool of real
connections), and the partial unique indexes that back the locks on both databases.

The race tests need PostgreSQL (`pg_api`): they are skipped when it is unreachable, and
fail under CI=true. Each gathers concurrent requests through one ASGI app whose engine
has a pool, so the transactions really run at the same time.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.services import matching as matching_service
from app.services import placements as placements_service
from tests.conftest import Backend, make_backend, open_client
from tests.pathway import (
    days_from_today,
    make_referral,
    officer,
    propose,
    provider_with_vacancy,
    to_assessing,
)
from tests.races.processes import api_processes
from tests.support import Api, assert_problem, make_provider, unique_team

ROUNDS = 5


def _is_sqlite(api: Api) -> bool:
    return bool(api.app.state.engine.dialect.name == "sqlite")


def outcomes(responses: list[httpx.Response]) -> Counter[tuple[int, str | None]]:
    out: Counter[tuple[int, str | None]] = Counter()
    for response in responses:
        assert response.status_code < 500, response.text
        code = response.json().get("code") if response.status_code >= 400 else None
        out[(response.status_code, code)] += 1
    return out


async def _two_matches_one_referral(api: Api) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    referral = await make_referral(api, unique_team())
    matches = []
    for _ in range(2):
        provider, vacancy = await provider_with_vacancy(api)
        match = await propose(api, referral["id"], provider["id"], vacancy["id"])
        await to_assessing(api, match["id"])
        matches.append(match)
    return referral, matches


@pytest.fixture(scope="module")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    yield from make_backend("sqlite", tmp_path_factory.mktemp("sqlite-races"))


@pytest.fixture(scope="module")
async def sqlite_api(sqlite_backend: Backend) -> AsyncIterator[Api]:
    """The embedded default, where BEGIN IMMEDIATE serialises writers (API.md: the
    races hold on SQLite too)."""
    async for client in open_client(sqlite_backend):
        yield client


@pytest.mark.races
async def test_r5_concurrent_accepts_on_one_referral_one_wins(pg_api: Api) -> None:
    await concurrent_accepts_on_one_referral(pg_api)


@pytest.mark.races
async def test_r5_referrals_racing_for_one_vacancy_one_wins(pg_api: Api) -> None:
    await referrals_racing_for_one_vacancy(pg_api)


@pytest.mark.races
async def test_r7_concurrent_confirms_for_one_person_one_placement(pg_api: Api) -> None:
    await concurrent_confirms_for_one_person(pg_api)


async def test_r5_r7_races_hold_on_sqlite_too(sqlite_api: Api) -> None:
    await concurrent_accepts_on_one_referral(sqlite_api)
    await referrals_racing_for_one_vacancy(sqlite_api)
    await concurrent_confirms_for_one_person(sqlite_api)


async def concurrent_accepts_on_one_referral(api: Api) -> None:
    for _ in range(ROUNDS):
        referral, matches = await _two_matches_one_referral(api)
        me = officer(api)
        responses = await asyncio.gather(
            *(me.post(f"/v1/matches/{m['id']}/accept") for m in matches)
        )
        assert outcomes(list(responses)) == {
            (200, None): 1,
            (409, "match_already_accepted"): 1,
        }
        accepted = await me.get(
            f"/v1/referrals/{referral['id']}/matches", params={"status": "accepted"}
        )
        assert len(accepted.json()["items"]) == 1
        assert (await me.get(f"/v1/referrals/{referral['id']}")).json()["status"] == "matched"


async def referrals_racing_for_one_vacancy(api: Api) -> None:
    for _ in range(ROUNDS):
        provider, vacancy = await provider_with_vacancy(api)
        matches = []
        for _ in range(3):
            referral = await make_referral(api, unique_team())
            match = await propose(api, referral["id"], provider["id"], vacancy["id"])
            await to_assessing(api, match["id"])
            matches.append(match)
        me = officer(api)
        responses = await asyncio.gather(
            *(me.post(f"/v1/matches/{m['id']}/accept") for m in matches)
        )
        assert outcomes(list(responses)) == {(200, None): 1, (409, "vacancy_unavailable"): 2}
        assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "held"


async def concurrent_confirms_for_one_person(api: Api) -> None:
    for _ in range(ROUNDS):
        team = unique_team()
        first = await make_referral(api, team, urgency="emergency")
        second = await make_referral(api, team, person_id=first["person_id"], urgency="emergency")
        me = officer(api)
        bodies = []
        for referral in (first, second, first):
            provider, vacancy = await provider_with_vacancy(api)
            bodies.append(
                {
                    "referral_id": referral["id"],
                    "provider_id": provider["id"],
                    "vacancy_id": vacancy["id"],
                    "start_date": days_from_today(0),
                }
            )
        responses = await asyncio.gather(*(me.post("/v1/placements", json=b) for b in bodies))
        assert outcomes(list(responses)) == {(201, None): 1, (409, "person_already_placed"): 2}
        placements = await me.get(
            "/v1/placements", params={"person_id": first["person_id"], "status": "active"}
        )
        assert len(placements.json()["items"]) == 1


@pytest.mark.races
async def test_r5_concurrent_proposals_and_accept_on_one_vacancy_never_500(pg_api: Api) -> None:
    """Proposals for a vacancy racing its acceptance: each is either in before the hold
    or refused as unavailable, never an error."""
    provider, vacancy = await provider_with_vacancy(pg_api)
    owner = await make_referral(pg_api, unique_team())
    match = await propose(pg_api, owner["id"], provider["id"], vacancy["id"])
    await to_assessing(pg_api, match["id"])
    others = [await make_referral(pg_api, unique_team()) for _ in range(4)]
    me = officer(pg_api)
    body = {"provider_id": provider["id"], "vacancy_id": vacancy["id"]}
    responses = await asyncio.gather(
        me.post(f"/v1/matches/{match['id']}/accept"),
        *(me.post(f"/v1/referrals/{r['id']}/matches", json=body) for r in others),
    )
    assert responses[0].status_code == 200, responses[0].text
    counted = outcomes(list(responses[1:]))
    assert set(counted) <= {(201, None), (409, "vacancy_unavailable")}


# The indexes themselves, on both databases: with the service's own checks switched off,
# the database still refuses, and the refusal is the rule's 409, not a 500.


async def test_r5_index_refuses_a_second_accepted_match(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral, matches = await _two_matches_one_referral(api)
    me = officer(api)
    assert (await me.post(f"/v1/matches/{matches[0]['id']}/accept")).status_code == 200

    async def nobody_else(uow: object, match: object) -> bool:
        return False

    monkeypatch.setattr(matching_service, "_other_accepted", nobody_else)
    # As if the referral's lock had been lost: put it back to matching behind the API.
    async with api.app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE referrals SET status = 'matching' WHERE id = :id"),
            {"id": uuid.UUID(referral["id"]).hex if _is_sqlite(api) else referral["id"]},
        )
    response = await me.post(f"/v1/matches/{matches[1]['id']}/accept")
    monkeypatch.undo()
    assert_problem(response, 409, "match_already_accepted", "R5")
    assert (await me.get(f"/v1/matches/{matches[1]['id']}")).json()["status"] == "assessing"


async def test_r5_index_refuses_a_second_match_holding_a_vacancy(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, vacancy = await provider_with_vacancy(api)
    matches = []
    for _ in range(2):
        referral = await make_referral(api, unique_team())
        match = await propose(api, referral["id"], provider["id"], vacancy["id"])
        await to_assessing(api, match["id"])
        matches.append(match)
    me = officer(api)
    assert (await me.post(f"/v1/matches/{matches[0]['id']}/accept")).status_code == 200
    monkeypatch.setattr(matching_service, "check_vacancy_open", lambda status: None)
    response = await me.post(f"/v1/matches/{matches[1]['id']}/accept")
    monkeypatch.undo()
    assert_problem(response, 409, "vacancy_unavailable", "R5")


async def test_r7_index_refuses_a_second_active_placement(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = unique_team()
    first = await make_referral(api, team, urgency="emergency")
    second = await make_referral(api, team, person_id=first["person_id"], urgency="emergency")
    me = officer(api)
    carer = await make_provider(api, service="foster_care", on_emergency_rota=True)
    for referral, expected in ((first, 201), (second, 409)):
        if expected == 409:

            async def free(uow: object, person_id: object) -> bool:
                return False

            monkeypatch.setattr(placements_service, "_has_active_placement", free)
        response = await me.post(
            "/v1/placements",
            json={
                "referral_id": referral["id"],
                "provider_id": carer["id"],
                "start_date": days_from_today(0),
            },
        )
        monkeypatch.undo()
        if expected == 201:
            assert response.status_code == 201, response.text
        else:
            assert_problem(response, 409, "person_already_placed", "R7")
    assert (await me.get(f"/v1/referrals/{second['id']}")).json()["status"] == "matching"


@pytest.mark.races
async def test_r5_r7_hold_across_two_api_processes(
    pg_api: Api, pg_backend: Backend, tmp_path: Path
) -> None:
    """Three referrals race for one vacancy and three confirms race for one person, the
    requests spread over two uvicorn processes on one database: one winner each."""
    provider, vacancy = await provider_with_vacancy(pg_api)
    matches = []
    for _ in range(3):
        referral = await make_referral(pg_api, unique_team())
        match = await propose(pg_api, referral["id"], provider["id"], vacancy["id"])
        await to_assessing(pg_api, match["id"])
        matches.append(match)
    team = unique_team()
    first = await make_referral(pg_api, team, urgency="emergency")
    second = await make_referral(pg_api, team, person_id=first["person_id"], urgency="emergency")
    bodies = []
    for referral in (first, second, first):
        carer, room = await provider_with_vacancy(pg_api)
        bodies.append(
            {
                "referral_id": referral["id"],
                "provider_id": carer["id"],
                "vacancy_id": room["id"],
                "start_date": days_from_today(0),
            }
        )
    headers = {"Authorization": officer(pg_api).headers["Authorization"]}
    async with api_processes(pg_backend, tmp_path) as bases:
        clients = [httpx.AsyncClient(base_url=b, timeout=30, headers=headers) for b in bases]
        try:
            accepts = await asyncio.gather(
                *(
                    clients[i % 2].post(f"/v1/matches/{m['id']}/accept")
                    for i, m in enumerate(matches)
                )
            )
            confirms = await asyncio.gather(
                *(clients[i % 2].post("/v1/placements", json=b) for i, b in enumerate(bodies))
            )
        finally:
            for client in clients:
                await client.aclose()
    assert outcomes(list(accepts)) == {(200, None): 1, (409, "vacancy_unavailable"): 2}
    assert outcomes(list(confirms)) == {(201, None): 1, (409, "person_already_placed"): 2}
    me = officer(pg_api)
    assert (await me.get(f"/v1/vacancies/{vacancy['id']}")).json()["status"] == "held"
    active = await me.get(
        "/v1/placements", params={"person_id": first["person_id"], "status": "active"}
    )
    assert len(active.json()["items"]) == 1
