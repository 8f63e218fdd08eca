"""Upserts by external id under concurrency on PostgreSQL (issue 13): concurrent first
PUTs of one id make one record (the loser of the unique constraint retries as an update),
never a 500 nor a second record."""

from __future__ import annotations

import asyncio
import uuid

from tests.support import Api, make_person, unique_team


async def test_concurrent_upserts_of_one_external_id_make_one_referral(pg_api: Api) -> None:
    team = unique_team()
    person = await make_person(pg_api, team)
    sync = pg_api.as_("integration")
    value = f"R{uuid.uuid4().hex[:10]}"
    body = {
        "person_id": person["id"],
        "urgency": "planned",
        "service": "foster_care",
        "needs": "A foster home near school.",
        "requested_start": "2026-12-01",
    }
    url = f"/v1/referrals/external/mosaic/{value}"
    responses = await asyncio.gather(*(sync.put(url, json=body) for _ in range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and statuses.count(200) == 5, statuses
    assert len({r.json()["id"] for r in responses}) == 1
    listed = await sync.get("/v1/referrals", params={"person_id": person["id"]})
    assert len(listed.json()["items"]) == 1


async def test_concurrent_upserts_of_one_external_id_make_one_provider(pg_api: Api) -> None:
    sync = pg_api.as_("integration")
    value = f"P{uuid.uuid4().hex[:10]}"
    body = {"name": f"Carer {value}", "service": "foster_care", "team": "placements"}
    url = f"/v1/providers/external/mosaic/{value}"
    responses = await asyncio.gather(*(sync.put(url, json=body) for _ in range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and statuses.count(200) == 5, statuses
    assert len({r.json()["id"] for r in responses}) == 1
    listed = await sync.get("/v1/providers", params={"external_id": f"mosaic:{value}"})
    assert len(listed.json()["items"]) == 1
