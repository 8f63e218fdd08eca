"""R6 under concurrent requests on PostgreSQL: two decisions on one funding request (one
wins), and a match withdrawn while its funding is being approved (the request ends
`superseded`, never an approved request for a withdrawn match)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.pathway import accepted_match, make_referral, officer, provider_with_vacancy
from tests.support import Api, unique_team

ROUNDS = 5


def outcomes(responses: list[httpx.Response]) -> Counter[tuple[int, str | None]]:
    out: Counter[tuple[int, str | None]] = Counter()
    for response in responses:
        assert response.status_code < 500, response.text
        code = response.json().get("code") if response.status_code >= 400 else None
        out[(response.status_code, code)] += 1
    return out


async def submitted_request(api: Api) -> tuple[str, str, str]:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    me = officer(api)
    created = await me.post(
        "/v1/funding-requests",
        json={"referral_id": referral["id"], "match_id": match["id"], "weekly_cost_pence": 1},
    )
    assert created.status_code == 201, created.text
    url = f"/v1/funding-requests/{created.json()['id']}"
    assert (await me.post(f"{url}/submit")).status_code == 200
    return team, url, match["id"]


async def test_r6_two_decisions_on_one_request_one_wins(pg_api: Api) -> None:
    for _ in range(ROUNDS):
        team, url, _ = await submitted_request(pg_api)
        managers = [pg_api.as_("team_manager", teams=[team]) for _ in range(2)]
        responses = await asyncio.gather(
            managers[0].post(f"{url}/decision", json={"outcome": "approved"}),
            managers[1].post(f"{url}/decision", json={"outcome": "rejected", "reason": "No"}),
        )
        result = outcomes(list(responses))
        assert result[(200, None)] == 1, result
        assert result[(409, "invalid_transition")] == 1, result


async def test_r6_match_withdrawn_while_funding_is_approved_never_leaves_it_approved(
    pg_api: Api,
) -> None:
    for _ in range(ROUNDS):
        team, url, match_id = await submitted_request(pg_api)
        manager = pg_api.as_("team_manager", teams=[team])
        responses = await asyncio.gather(
            manager.post(f"{url}/decision", json={"outcome": "approved"}),
            officer(pg_api).post(f"/v1/matches/{match_id}/withdraw"),
        )
        decision, withdrawal = responses
        assert decision.status_code in (200, 409), decision.text
        if decision.status_code == 409:
            assert decision.json()["code"] == "funding_superseded"
        assert withdrawal.status_code == 200, withdrawal.text
        final = await officer(pg_api).get(url)
        assert final.json()["status"] == "superseded"
        match = await officer(pg_api).get(f"/v1/matches/{match_id}")
        assert match.json()["status"] == "withdrawn"
