"""Webhooks over HTTP, and passes of the dispatcher against an httpx.MockTransport
receiver (no network; every target is a loopback URL, so this module's app and
dispatchers run with PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE=true; tests/api/test_webhook_ssrf.py
checks the guard itself)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.domain.webhooks import verify
from app.main import create_app
from app.pagination import decode_cursor
from app.services.webhook_dispatch import Dispatcher, PassResult
from tests.conftest import Backend, open_client, settings_for
from tests.support import Api, Caller, assert_problem, make_person, make_provider, unique_team

ADMIN_ONLY_ROLES = ("placements_manager", "integration", "practitioner", "team_manager")


@pytest.fixture(scope="module")
async def api(backend: Backend) -> AsyncIterator[Api]:
    """The app with loopback targets allowed (development setting)."""
    async for client in open_client(backend, webhooks_allow_private=True):
        yield client


def hook_url() -> str:
    return f"http://127.0.0.1:9/hooks/{uuid.uuid4().hex}"


async def create_hook(admin: Caller, **body: Any) -> dict[str, Any]:
    response = await admin.post("/v1/webhooks", json={"url": hook_url(), **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def switch_off(admin: Caller, hook: dict[str, Any]) -> None:
    response = await admin.patch(f"/v1/webhooks/{hook['id']}", json={"active": False})
    assert response.status_code == 200, response.text


class Receiver:
    """Records what arrives at one webhook's URL; other URLs get a plain 200."""

    def __init__(self, hook: dict[str, Any], status: int = 204) -> None:
        self.url = hook["url"]
        self.secret = hook["secret"]
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) != self.url:
            return httpx.Response(200)
        body = request.content
        headers = request.headers
        assert headers["content-type"] == "application/json"
        if not verify(
            self.secret,
            headers["webhook-id"],
            int(headers["webhook-timestamp"]),
            body,
            headers["webhook-signature"],
        ):
            self.bad_signatures += 1
            return httpx.Response(401)
        message = json.loads(body)
        assert message["id"] == headers["webhook-id"]
        self.received.append(message)
        return httpx.Response(self.status)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


async def one_pass(api: Api, receiver: Receiver, clock: Clock) -> PassResult:
    async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
        return await Dispatcher(
            api.app.state.sessionmaker, client, clock=clock, allow_private=True
        ).run_once()


async def deliveries(admin: Caller, hook: dict[str, Any], **params: str) -> list[dict[str, Any]]:
    response = await admin.get(f"/v1/webhooks/{hook['id']}/deliveries", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_webhook_create_read_list_patch(api: Api) -> None:
    admin = api.as_("admin")
    url = hook_url()
    response = await admin.post(
        "/v1/webhooks",
        json={"url": url, "event_types": ["referral.", "person.created"], "description": "CRM"},
    )
    assert response.status_code == 201, response.text
    hook = response.json()
    assert response.headers["location"].endswith(f"/v1/webhooks/{hook['id']}")
    assert response.headers["etag"] == '"1"'
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 30
    assert hook["url"] == url and hook["active"] is True and hook["version"] == 1
    assert hook["event_types"] == ["referral.", "person.created"]

    got = await admin.get(f"/v1/webhooks/{hook['id']}")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert "secret" not in got.json() and hook["secret"] not in got.text
    listed = await admin.get("/v1/webhooks", params={"limit": 200})
    assert hook["secret"] not in listed.text
    assert all("secret" not in item for item in listed.json()["items"])

    item_url = f"/v1/webhooks/{hook['id']}"
    patched = await admin.patch(
        item_url, json={"event_types": [], "description": "all"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == '"2"' and patched.json()["event_types"] == []
    assert "secret" not in patched.json()
    assert_problem(
        await admin.patch(item_url, json={"active": False}, headers={"If-Match": '"1"'}),
        412,
        "precondition_failed",
    )
    off = await admin.patch(item_url, json={"active": False}, headers={"If-Match": '"2"'})
    assert off.status_code == 200 and off.json()["active"] is False
    inactive = (await admin.get("/v1/webhooks", params={"active": "false", "limit": 200})).json()
    assert hook["id"] in [w["id"] for w in inactive["items"]]

    # The audit trail records the changes, never the secret (R19).
    audit = await admin.get("/v1/audit", params={"subject_id": hook["id"]})
    assert audit.status_code == 200
    assert {e["action"] for e in audit.json()["items"]} == {"webhook.created", "webhook.updated"}
    assert hook["secret"] not in audit.text


async def test_webhooks_are_admin_only(api: Api) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin)
    item_url = f"/v1/webhooks/{hook['id']}"
    for role in ADMIN_ONLY_ROLES:
        caller = api.as_(role, teams=["north"])
        for response in (
            await caller.get("/v1/webhooks"),
            await caller.post("/v1/webhooks", json={"url": hook_url()}),
            await caller.get(item_url),
            await caller.patch(item_url, json={"active": False}),
            await caller.get(f"{item_url}/deliveries"),
        ):
            assert_problem(response, 403, "forbidden")
    assert (await admin.get(item_url)).json()["active"] is True
    await switch_off(admin, hook)


async def test_webhook_validation(api: Api) -> None:
    admin = api.as_("admin")
    for body in (
        {"url": "http://hooks.example.org/placements"},
        {"url": "ftp://127.0.0.1/x"},
        {"url": "not a url"},
        {"url": "https://user:pw@127.0.0.1/x"},
        {"url": hook_url(), "event_types": ["Not A Type"]},
        {"url": hook_url(), "event_types": "person.created"},
        {"url": hook_url(), "secret": "whsec_mine"},
        {"url": hook_url(), "active": "sometimes"},
        {},
    ):
        assert_problem(await admin.post("/v1/webhooks", json=body), 422, "validation_error")
    hook = await create_hook(admin, active=False)
    item_url = f"/v1/webhooks/{hook['id']}"
    for body in (
        {"url": "http://hooks.example.org/x"},
        {"url": None},
        {"active": None},
        {"event_types": None},
        {"version": 7},
    ):
        assert_problem(await admin.patch(item_url, json=body), 422, "validation_error")
    assert_problem(await admin.get(f"/v1/webhooks/{uuid.uuid4()}"), 404, "not_found")
    assert_problem(
        await admin.patch(f"/v1/webhooks/{uuid.uuid4()}", json={"active": True}), 404, "not_found"
    )
    assert_problem(await admin.get(f"/v1/webhooks/{uuid.uuid4()}/deliveries"), 404, "not_found")
    assert_problem(
        await admin.get(f"{item_url}/deliveries", params={"status": "lost"}),
        422,
        "validation_error",
    )
    ok = await admin.post("/v1/webhooks", json={"url": "https://localhost:8443/hook"})
    assert ok.status_code == 201
    await switch_off(admin, ok.json())


async def test_dispatch_delivers_a_signed_person_created(api: Api) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin, event_types=["person."])
    receiver = Receiver(hook)
    clock = Clock()
    try:
        team = unique_team()
        person = await make_person(api, team)
        await make_provider(api)  # provider.created: not subscribed
        result = await one_pass(api, receiver, clock)
        assert result.enqueued >= 1 and result.succeeded >= 1
        assert receiver.bad_signatures == 0
        assert [m["type"] for m in receiver.received] == ["person.created"]
        message = receiver.received[0]
        assert set(message) == {"id", "type", "occurred_at", "subject", "data"}
        assert message["subject"] == {"type": "person", "id": person["id"]}
        assert message["data"]["person_id"] == person["id"]
        assert datetime.fromisoformat(message["occurred_at"]).tzinfo is not None

        # The id is the event's change-feed cursor (`GET /v1/events?after=<id>`).
        assert isinstance(decode_cursor(message["id"]), int)

        done = await deliveries(admin, hook)
        assert len(done) == 1
        assert done[0]["status"] == "succeeded" and done[0]["attempts"] == 1
        assert done[0]["last_status_code"] == 204 and done[0]["delivered_at"] is not None
        assert done[0]["event_type"] == "person.created" and done[0]["event_id"] == message["id"]
        assert await deliveries(admin, hook, status="succeeded") == done
        assert await deliveries(admin, hook, status="pending") == []

        # A second pass has nothing new for this webhook: nothing is sent twice.
        await one_pass(api, receiver, clock)
        assert len(receiver.received) == 1

        # Event types filter by prefix or exact type; a new event after the cursor arrives.
        patched = await admin.patch(
            f"/v1/webhooks/{hook['id']}", json={"event_types": ["provider.created"]}
        )
        assert patched.status_code == 200
        await make_person(api, team)
        provider = await make_provider(api)
        await one_pass(api, receiver, clock)
        assert [m["type"] for m in receiver.received] == ["person.created", "provider.created"]
        assert receiver.received[1]["subject"]["id"] == provider["id"]
    finally:
        await switch_off(admin, hook)


async def test_switched_off_webhook_gets_nothing(api: Api) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin, active=False)
    receiver = Receiver(hook)
    await make_person(api, unique_team())
    await one_pass(api, receiver, Clock())
    assert receiver.received == [] and await deliveries(admin, hook) == []


async def test_failing_receiver_retries_then_dead(api: Api) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin, event_types=["person.created"])
    receiver = Receiver(hook, status=500)
    clock = Clock()
    try:
        await make_person(api, unique_team())
        await one_pass(api, receiver, clock)
        [delivery] = await deliveries(admin, hook)
        assert delivery["status"] == "failed" and delivery["attempts"] == 1
        assert delivery["last_status_code"] == 500 and delivery["last_error"] == "HTTP 500"
        first_retry = datetime.fromisoformat(delivery["next_attempt_at"])
        assert first_retry == clock.now + timedelta(minutes=1)

        # Not due yet: nothing is tried.
        clock.advance(timedelta(seconds=30))
        await one_pass(api, receiver, clock)
        assert len(receiver.received) == 1

        waits = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
        waits += [timedelta(hours=2), timedelta(hours=6)]
        for attempt in range(2, 7):
            clock.now = datetime.fromisoformat(delivery["next_attempt_at"])
            await one_pass(api, receiver, clock)
            [delivery] = await deliveries(admin, hook)
            assert delivery["attempts"] == attempt, delivery
            if attempt < 6:
                assert delivery["status"] == "failed"
                expected = clock.now + waits[attempt - 1]
                assert datetime.fromisoformat(delivery["next_attempt_at"]) == expected
        assert delivery["status"] == "dead" and delivery["next_attempt_at"] is None
        assert len(receiver.received) == 6 and receiver.bad_signatures == 0
        # The same event each time, with the same webhook-id.
        assert len({m["id"] for m in receiver.received}) == 1
        assert await deliveries(admin, hook, status="dead") == [delivery]

        clock.advance(timedelta(days=2))
        await one_pass(api, receiver, clock)
        assert len(receiver.received) == 6
    finally:
        await switch_off(admin, hook)


async def test_unreachable_receiver_is_a_failed_attempt(api: Api) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin, event_types=["person.created"])
    clock = Clock()

    def refuse(request: httpx.Request) -> httpx.Response:
        if str(request.url) == hook["url"]:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200)

    try:
        await make_person(api, unique_team())
        async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
            await Dispatcher(
                api.app.state.sessionmaker, client, clock=clock, allow_private=True
            ).run_once()
        [delivery] = await deliveries(admin, hook)
        assert delivery["status"] == "failed" and delivery["last_status_code"] is None
        # One generic reason: never which network error (that would map ports).
        assert delivery["last_error"] == "delivery failed"
    finally:
        await switch_off(admin, hook)


async def test_two_dispatchers_at_once_deliver_each_event_once(api: Api) -> None:
    """Two processes' passes side by side: each claims different rows (SKIP LOCKED on
    PostgreSQL, serialised writers on SQLite), so nothing is enqueued or sent twice."""
    admin = api.as_("admin")
    hook = await create_hook(admin, event_types=["person.created"])
    receiver = Receiver(hook)
    clock = Clock()
    try:
        team = unique_team()
        people = [await make_person(api, team) for _ in range(6)]
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as one,
            httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as two,
        ):
            sessionmaker = api.app.state.sessionmaker
            first = Dispatcher(sessionmaker, one, clock=clock, allow_private=True)
            second = Dispatcher(sessionmaker, two, clock=clock, allow_private=True)
            for _ in range(3):
                await asyncio.gather(first.run_once(), second.run_once())
        got = sorted(m["subject"]["id"] for m in receiver.received)
        assert got == sorted(p["id"] for p in people)
        rows = await deliveries(admin, hook)
        assert len(rows) == 6 and {d["status"] for d in rows} == {"succeeded"}
        assert {d["attempts"] for d in rows} == {1}
    finally:
        await switch_off(admin, hook)


async def test_the_app_runs_the_dispatcher_in_its_lifespan(api: Api, backend: Backend) -> None:
    admin = api.as_("admin")
    hook = await create_hook(admin, event_types=["person.created"])
    receiver = Receiver(hook)
    try:
        person = await make_person(api, unique_team())
        app = create_app(
            settings_for(
                backend,
                webhooks_dispatch=True,
                webhooks_poll_seconds=0.05,
                webhooks_allow_private=True,
            ),
            schema=backend.schema,
            webhook_transport=httpx.MockTransport(receiver),
        )
        async with app.router.lifespan_context(app):
            for _ in range(200):
                if receiver.received:
                    break
                await asyncio.sleep(0.05)
        assert [m["subject"]["id"] for m in receiver.received] == [person["id"]]
        off = create_app(settings_for(backend, webhooks_dispatch=False), schema=backend.schema)
        await make_person(api, unique_team())
        async with off.router.lifespan_context(off):
            await asyncio.sleep(0.2)
        assert len(receiver.received) == 1
    finally:
        await switch_off(admin, hook)
