"""Crash safety on PostgreSQL (R18, R19, decision 0005): a burst of keyed writes at a real
API process, SIGKILLed mid-burst and started again. Every 2xx the client received is
stored with its audit entry and its event; nothing is half-written (every stored person
has both); no key is stuck (retrying every key of the burst succeeds, once)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Backend
from tests.races.processes import api_process
from tests.support import person_body, token, unique_team

pytestmark = pytest.mark.races

BURST = 60
KILL_AFTER = 12  # 2xx answers received before the process is killed
LEASE = {"PLACEMENTS_IDEMPOTENCY_LEASE_SECONDS": "2"}


def _client(base: str, roles: list[str], teams: list[str], sub: str) -> httpx.AsyncClient:
    tok = token(roles, teams, sub=sub)
    return httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {tok}"})


async def _all(client: httpx.AsyncClient, path: str, params: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    query = {**params, "limit": 200}
    while True:
        body = (await client.get(path, params=query)).json()
        items.extend(body["items"])
        if not body["next_cursor"]:
            return items
        query = {**params, "limit": 200, "cursor": body["next_cursor"]}


async def test_sigkill_mid_burst_loses_no_answered_write_and_leaves_no_stuck_key(
    pg_backend: Backend, tmp_path: Path
) -> None:
    team, sub = unique_team(), f"user-{uuid.uuid4().hex[:8]}"
    bodies = {f"crash-{n}-{uuid.uuid4()}": person_body(team) for n in range(BURST)}
    answered: dict[str, dict[str, Any]] = {}

    async with api_process(pg_backend, tmp_path, "burst", LEASE) as doomed:
        client = _client(doomed.base, ["practitioner"], [team], sub)
        enough = asyncio.Event()

        async def fire(key: str) -> None:
            try:
                response = await client.post(
                    "/v1/people", json=bodies[key], headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                return  # cut off by the kill: the client never saw an answer
            assert response.status_code < 500, response.text
            if response.status_code == 201:
                answered[key] = response.json()
                if len(answered) >= KILL_AFTER:
                    enough.set()

        try:
            burst = asyncio.gather(*(fire(key) for key in bodies))
            await asyncio.wait_for(enough.wait(), timeout=60)
            doomed.kill()
            await asyncio.wait_for(burst, timeout=30)
        finally:
            await client.aclose()
    assert KILL_AFTER <= len(answered) < BURST, len(answered)

    async with api_process(pg_backend, tmp_path, "restarted", LEASE) as restarted:
        me = _client(restarted.base, ["practitioner"], [team], sub)
        admin = _client(restarted.base, ["admin"], [], f"admin-{uuid.uuid4().hex[:8]}")
        try:
            stored = {p["id"]: p for p in await _all(me, "/v1/people", {"team": team})}
            events = await _all(admin, "/v1/events", {"type": "person.created"})
            created_events = {e["subject"]["id"] for e in events}
            # Every answer the client got is stored.
            for person in answered.values():
                assert stored[person["id"]]["family_name"] == person["family_name"]
            # Nothing half-written: each stored person has its audit entry and its event.
            for person_id in stored:
                trail = await _all(admin, "/v1/audit", {"subject_id": person_id})
                assert [e["action"] for e in trail][:1] == ["person.created"], person_id
                assert person_id in created_events, person_id

            # No key is stuck: once the dead process's leases have run out, every key
            # of the burst answers 201, and only once per key is a person made.
            await asyncio.sleep(2.5)
            retried: dict[str, dict[str, Any]] = {}
            for key, body in bodies.items():
                response = await me.post("/v1/people", json=body, headers={"Idempotency-Key": key})
                assert response.status_code == 201, (key, response.status_code, response.text)
                retried[key] = response.json()
            for key, person in answered.items():
                assert retried[key]["id"] == person["id"], key  # replayed, not made again
            after = await _all(me, "/v1/people", {"team": team})
            assert len(after) == BURST
            assert {p["id"] for p in after} == {p["id"] for p in retried.values()}
        finally:
            await me.aclose()
            await admin.aclose()
