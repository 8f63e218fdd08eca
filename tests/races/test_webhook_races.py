"""Webhook dispatchers in two real API processes on one PostgreSQL schema: each event
reaches the receiver once (webhooks and deliveries are claimed with SKIP LOCKED and
leased), and every delivery is signed with the webhook's secret. The receiver is on
127.0.0.1, so the app and the processes run with PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE=true."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.domain.webhooks import verify
from tests.conftest import Backend, open_client
from tests.races.processes import api_processes
from tests.support import Api, make_person, unique_team

EVENTS = 12


@pytest.fixture
async def pg_api(pg_backend: Backend) -> AsyncIterator[Api]:
    async for client in open_client(pg_backend, webhooks_allow_private=True):
        yield client


class LoopbackReceiver:
    """A tiny HTTP/1.1 server on 127.0.0.1 that answers 204 and keeps what it got."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.received.append((headers, body))
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.mark.races
async def test_two_api_processes_deliver_each_event_once(
    pg_api: Api, pg_backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = LoopbackReceiver()
    port = await receiver.start()
    admin = pg_api.as_("admin")
    created = await admin.post(
        "/v1/webhooks",
        json={"url": f"http://127.0.0.1:{port}/hook", "event_types": ["person.created"]},
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    try:
        team = unique_team()
        people = [await make_person(pg_api, team) for _ in range(EVENTS)]
        monkeypatch.setenv("PLACEMENTS_WEBHOOKS_DISPATCH", "true")
        monkeypatch.setenv("PLACEMENTS_WEBHOOKS_POLL_SECONDS", "0.1")
        monkeypatch.setenv("PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE", "true")
        async with api_processes(pg_backend, tmp_path, count=2):
            for _ in range(300):
                if len(receiver.received) >= EVENTS:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # time for any duplicate to arrive
        ids = Counter(h["webhook-id"] for h, _ in receiver.received)
        assert len(ids) == EVENTS and set(ids.values()) == {1}, ids
        for headers, body in receiver.received:
            assert verify(
                hook["secret"],
                headers["webhook-id"],
                int(headers["webhook-timestamp"]),
                body,
                headers["webhook-signature"],
            )
        rows = (
            await admin.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"limit": 200})
        ).json()["items"]
        assert len(rows) == EVENTS and {(d["status"], d["attempts"]) for d in rows} == {
            ("succeeded", 1)
        }
        assert len(people) == EVENTS
    finally:
        await admin.patch(f"/v1/webhooks/{hook['id']}", json={"active": False})
        await receiver.stop()
