"""Idempotency-Key under concurrency on PostgreSQL: one effect, never a 500."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import Backend
from tests.races.processes import api_process, api_processes, pg_connect, wait_for_key
from tests.support import Api, person_body, token, unique_team


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


def _client(base: str, caller_sub: str, team: str) -> httpx.AsyncClient:
    tok = token(["practitioner"], [team], sub=caller_sub)
    return httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {tok}"})


async def test_a_retry_sent_right_after_the_response_replays_it_on_the_other_process(
    pg_backend: Backend, tmp_path: Path
) -> None:
    team, sub = unique_team(), f"user-{uuid.uuid4().hex[:8]}"
    async with api_processes(pg_backend, tmp_path) as bases:
        first, other = (_client(b, sub, team) for b in bases)
        try:
            for n in range(20):
                key = {"Idempotency-Key": f"seq-{n}-{uuid.uuid4()}"}
                body = person_body(team)
                made = await first.post("/v1/people", json=body, headers=key)
                retry = await other.post("/v1/people", json=body, headers=key)
                assert made.status_code == 201, made.text
                assert retry.status_code == 201, retry.text
                assert retry.headers["idempotent-replayed"] == "true"
                assert retry.json() == made.json()
            listed = await first.get("/v1/people", params={"team": team, "limit": 50})
            assert len(listed.json()["items"]) == 20
        finally:
            await first.aclose()
            await other.aclose()


async def test_twenty_same_key_requests_across_two_processes_make_one_person(
    pg_backend: Backend, tmp_path: Path
) -> None:
    team, sub = unique_team(), f"user-{uuid.uuid4().hex[:8]}"
    key = {"Idempotency-Key": f"burst-{uuid.uuid4()}"}
    body = person_body(team)
    async with api_processes(pg_backend, tmp_path) as bases:
        clients = [_client(b, sub, team) for b in bases]
        try:
            responses = await asyncio.gather(
                *(clients[n % 2].post("/v1/people", json=body, headers=key) for n in range(20))
            )
            statuses = Counter(r.status_code for r in responses)
            assert set(statuses) <= {201, 409}, statuses
            assert all(
                r.json()["code"] == "idempotency_key_in_use"
                for r in responses
                if r.status_code == 409
            )
            made = [r for r in responses if r.status_code == 201]
            assert len({r.json()["id"] for r in made}) == 1
            assert sum("idempotent-replayed" not in r.headers for r in made) == 1
            # Once it has answered, every retry replays it.
            late = await clients[1].post("/v1/people", json=body, headers=key)
            assert late.status_code == 201 and late.headers["idempotent-replayed"] == "true"
            listed = await clients[0].get("/v1/people", params={"team": team})
            assert len(listed.json()["items"]) == 1
        finally:
            for client in clients:
                await client.aclose()


async def test_a_request_killed_mid_flight_leaves_no_stuck_key_and_the_retry_runs(
    pg_backend: Backend, tmp_path: Path
) -> None:
    """SIGKILL while the request waits inside its transaction (the event counter is held
    by the test): nothing is stored, the key is in flight; once its lease has run out a
    retry on a fresh process runs the request and succeeds, exactly once."""
    team, sub = unique_team(), f"user-{uuid.uuid4().hex[:8]}"
    key = f"killed-{uuid.uuid4()}"
    body = person_body(team)
    lease = {"PLACEMENTS_IDEMPOTENCY_LEASE_SECONDS": "2"}
    blocker = await pg_connect(pg_backend)
    try:
        async with api_process(pg_backend, tmp_path, "doomed", lease) as doomed:
            tx = blocker.transaction()
            await tx.start()
            await blocker.execute("SELECT value FROM event_counter WHERE id = 1 FOR UPDATE")
            client = _client(doomed.base, sub, team)
            request = asyncio.ensure_future(
                client.post("/v1/people", json=body, headers={"Idempotency-Key": key})
            )
            try:
                await wait_for_key(blocker, sub, key)
                doomed.kill()
                with pytest.raises(httpx.TransportError):
                    await asyncio.wait_for(request, timeout=10)
            finally:
                await tx.rollback()
                await client.aclose()
        async with api_process(pg_backend, tmp_path, "after", lease) as after:
            client = _client(after.base, sub, team)
            try:
                early = await client.post("/v1/people", json=body, headers={"Idempotency-Key": key})
                assert early.status_code in (201, 409), early.text
                if early.status_code == 409:
                    assert early.json()["code"] == "idempotency_key_in_use"
                    await asyncio.sleep(2.5)
                retry = await client.post("/v1/people", json=body, headers={"Idempotency-Key": key})
                assert retry.status_code == 201, retry.text
                again = await client.post("/v1/people", json=body, headers={"Idempotency-Key": key})
                assert again.headers["idempotent-replayed"] == "true"
                assert again.json()["id"] == retry.json()["id"]
                listed = await client.get("/v1/people", params={"team": team})
                assert [p["id"] for p in listed.json()["items"]] == [retry.json()["id"]]
            finally:
                await client.aclose()
    finally:
        await blocker.close()
