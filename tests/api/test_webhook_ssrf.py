"""Webhook SSRF guard: a target's host is resolved at create, PATCH and each delivery and
must be a public internet address (422 webhook_url_not_allowed); a delivery connects to
the address checked (DNS rebinding finds nothing) and logs only a generic failure.

No traffic leaves the process: names resolve through a fake resolver, deliveries go to an
httpx.MockTransport, and refused addresses are refused before any connection."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import app.webhook_targets as targets
from app.services.webhook_dispatch import Dispatcher
from tests.support import Api, assert_problem, make_person, unique_team

PUBLIC = "93.184.216.34"  # never contacted: the transport below is a mock


class FakeDns:
    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[Any]:
        self.asked.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in self.names[host]
        ]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(targets, "getaddrinfo", fake)
    return fake


REFUSED_URLS = (
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.10/hook",
    "https://100.64.0.1/hook",  # CGNAT
    "https://127.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",  # multicast
    "https://240.0.0.1/hook",  # reserved
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[ff02::1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[::ffff:a9fe:a9fe]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
    "https://2852039166/hook",  # 169.254.169.254 as one decimal number
    "https://0x7f000001/hook",  # 127.0.0.1 in hex
    "https://0177.0.0.1/hook",  # 127.0.0.1 in octal
    "https://127.1/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "http://127.0.0.1:9/hook",
    "https://internal.example.org/hook",  # resolves to a private address
    "https://split.example.org/hook",  # one public and one private address
    "https://nowhere.example.org/hook",  # does not resolve
)


async def test_webhook_targets_that_are_not_public_are_refused_at_create_and_patch(
    api: Api, dns: FakeDns
) -> None:
    dns.names["internal.example.org"] = ["10.1.2.3"]
    dns.names["split.example.org"] = [PUBLIC, "192.168.0.4"]
    dns.names["hooks.example.org"] = [PUBLIC]
    dns.names["localhost"] = ["127.0.0.1"]
    admin = api.as_("admin")
    for url in REFUSED_URLS:
        response = await admin.post("/v1/webhooks", json={"url": url})
        problem = assert_problem(response, 422, "webhook_url_not_allowed")
        assert problem["errors"][0]["loc"] == ["body", "url"], url
    created = await admin.post(
        "/v1/webhooks", json={"url": "https://hooks.example.org/h", "active": False}
    )
    assert created.status_code == 201, created.text
    item = f"/v1/webhooks/{created.json()['id']}"
    for url in REFUSED_URLS:
        assert_problem(await admin.patch(item, json={"url": url}), 422, "webhook_url_not_allowed")
    got = (await admin.get(item)).json()
    assert (got["url"], got["version"]) == ("https://hooks.example.org/h", 1)


async def test_delivery_connects_to_the_checked_address_and_refuses_a_rebound_name(
    api: Api, dns: FakeDns
) -> None:
    host = f"h{uuid.uuid4().hex[:8]}.example.org"
    dns.names[host] = [PUBLIC]
    admin = api.as_("admin")
    created = await admin.post(
        "/v1/webhooks", json={"url": f"https://{host}/hook", "event_types": ["person.created"]}
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    clock = datetime.now(UTC)
    try:
        await make_person(api, unique_team())
        # The name now points inside the network (DNS rebinding): nothing is sent.
        dns.names[host] = ["169.254.169.254"]
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            await Dispatcher(api.app.state.sessionmaker, client, clock=lambda: clock).run_once()
        assert [r for r in seen if r.headers.get("host") == host] == []
        [delivery] = (await admin.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()["items"]
        assert (delivery["status"], delivery["last_error"]) == (
            "failed",
            "target address not allowed",
        )
        assert delivery["last_status_code"] is None

        # Back to a public address: the request goes to that address, Host and SNI the name.
        dns.names[host] = [PUBLIC]
        later = datetime.fromisoformat(delivery["next_attempt_at"])
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            await Dispatcher(api.app.state.sessionmaker, client, clock=lambda: later).run_once()
        mine = [r for r in seen if r.headers.get("host") == host]
        assert len(mine) == 1
        assert (mine[0].url.host, mine[0].url.path) == (PUBLIC, "/hook")
        assert mine[0].extensions["sni_hostname"] == host
        [delivery] = (await admin.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()["items"]
        assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)
    finally:
        await admin.patch(f"/v1/webhooks/{hook['id']}", json={"active": False})


async def test_delivery_failure_is_recorded_without_the_network_error(
    api: Api, dns: FakeDns
) -> None:
    host = f"h{uuid.uuid4().hex[:8]}.example.org"
    dns.names[host] = [PUBLIC]
    admin = api.as_("admin")
    created = await admin.post(
        "/v1/webhooks", json={"url": f"https://{host}/hook", "event_types": ["person.created"]}
    )
    hook = created.json()

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.headers.get("host") == host:
            raise httpx.ConnectError("[Errno 111] Connection refused to 10.0.0.1:6379")
        return httpx.Response(204)

    try:
        await make_person(api, unique_team())
        async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
            await Dispatcher(api.app.state.sessionmaker, client).run_once()
        [delivery] = (await admin.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()["items"]
        assert delivery["last_error"] == "delivery failed"
    finally:
        await admin.patch(f"/v1/webhooks/{hook['id']}", json={"active": False})
