"""R9 under concurrency on PostgreSQL: never an 11th contact.

16 contacts fired at once at a fresh episode must store exactly 10 (201) and refuse 6
(409 casework_checkpoint_due), with no 500s: first through one app (its connection pool
gives real concurrent transactions), then split across two API processes on one database.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import Backend
from tests.races.processes import api_processes
from tests.support import Api, token, unique_team
from tests.support_flow import Support, contact_body, make_allocated

pytestmark = pytest.mark.races

ROOT = Path(__file__).resolve().parents[2]
FIRED = 16


def _outcomes(responses: list[httpx.Response]) -> Counter[tuple[int, str | None]]:
    out: Counter[tuple[int, str | None]] = Counter()
    for response in responses:
        code = None
        if response.status_code >= 400:
            body = response.json()
            code = body.get("code")
            if response.status_code == 409:
                assert body.get("rule") == "R9", body
        out[(response.status_code, code)] += 1
    return out


async def _assert_exactly_ten(api: Api, support: Support) -> None:
    ep = support.episode["id"]
    episode = (await support.worker.get(f"/v1/casework-episodes/{ep}")).json()
    assert (episode["contact_count"], episode["status"]) == (10, "checkpoint_due")
    contacts = (await support.worker.get(f"/v1/casework-episodes/{ep}/contacts")).json()
    assert [c["number"] for c in contacts["items"]] == list(range(1, 11))
    work = await support.worker.get("/v1/work", params={"assignee": "me", "rule": "R9"})
    assert len(work.json()["items"]) == 1  # one checkpoint work item, not several


async def test_r9_sixteen_concurrent_contacts_store_exactly_ten(pg_api: Api) -> None:
    support = await make_allocated(pg_api, unique_team())
    url = f"/v1/casework-episodes/{support.episode['id']}/contacts"
    responses = await asyncio.gather(
        *(support.worker.post(url, json=contact_body(n)) for n in range(FIRED))
    )
    assert _outcomes(list(responses)) == {(201, None): 10, (409, "casework_checkpoint_due"): 6}
    await _assert_exactly_ten(pg_api, support)


async def test_r9_sixteen_contacts_across_two_api_processes_store_exactly_ten(
    pg_api: Api, pg_backend: Backend, tmp_path: Path
) -> None:
    support = await make_allocated(pg_api, unique_team())
    path = f"/v1/casework-episodes/{support.episode['id']}/contacts"
    headers = {
        "Authorization": "Bearer "
        + token(["support_worker"], [support.team], sub=support.worker.sub)
    }
    async with api_processes(pg_backend, tmp_path) as bases:
        clients = [httpx.AsyncClient(base_url=b, timeout=30, headers=headers) for b in bases]
        try:
            responses = await asyncio.gather(
                *(clients[n % 2].post(path, json=contact_body(n)) for n in range(FIRED))
            )
        finally:
            for client in clients:
                await client.aclose()
        served_by = Counter(str(r.url).split("/v1/")[0] for r in responses)
        assert sorted(served_by.values()) == [8, 8]
        assert _outcomes(list(responses)) == {
            (201, None): 10,
            (409, "casework_checkpoint_due"): 6,
        }
    await _assert_exactly_ten(pg_api, support)
