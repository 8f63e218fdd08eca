"""Idempotency-Key under concurrency on PostgreSQL: one effect, never a 500."""

from __future__ import annotations

import asyncio
import uuid

from tests.support import Api, person_body, unique_team


async def test_concurrent_same_key_creates_one_person(pg_api: Api) -> None:
    team = unique_team()
    me = pg_api.as_("practitioner", teams=[team])
    body = person_body(team)
    key = {"Idempotency-Key": f"race-{uuid.uuid4()}"}
    responses = await asyncio.gather(
        *(me.post("/v1/people", json=body, headers=key) for _ in range(8))
    )
    statuses = sorted(r.status_code for r in responses)
    assert all(s in (201, 409) for s in statuses), statuses
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    for r in responses:
        if r.status_code == 409:
            assert r.json()["code"] == "idempotency_key_in_use"
    listed = await me.get("/v1/people", params={"team": team})
    assert len(listed.json()["items"]) == 1


async def test_concurrent_upserts_of_one_external_id_make_one_person(pg_api: Api) -> None:
    team = unique_team()
    sync = pg_api.as_("integration")
    url = f"/v1/people/external/mosaic/R{uuid.uuid4().hex[:10]}"
    responses = await asyncio.gather(*(sync.put(url, json=person_body(team)) for _ in range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and statuses.count(200) == 5, statuses
    assert len({r.json()["id"] for r in responses}) == 1
