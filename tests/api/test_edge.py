"""The edges of the service: outsized tokens and headers, the metrics endpoint, and what a
hand-started `uvicorn app.main:app` shows the network (no banner, no query-string log)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import app.auth
from app.migrate import upgrade
from tests.conftest import Backend, open_client
from tests.support import SECRET, Api, RecordingTransport, assert_problem, token

ROOT = Path(__file__).resolve().parents[2]


async def test_a_token_over_8_kib_is_refused_before_decoding(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real = app.auth.jwt.get_unverified_header

    def spy(tok: str) -> dict[str, object]:
        decoded.append(tok)
        return dict(real(tok))

    monkeypatch.setattr(app.auth.jwt, "get_unverified_header", spy)
    big = token(["admin"], [], sub="big", extra={"padding": "x" * 9000})
    assert len(big) > 8192
    response = await api.http.get("/v1/people", headers={"Authorization": f"Bearer {big}"})
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert decoded == []
    ok = token(["admin"], [], sub="small")
    assert (await api.http.get("/v1/people", headers={"Authorization": f"Bearer {ok}"})).is_success
    assert decoded == [ok]


async def test_request_headers_over_16_kib_are_a_431_problem(api: Api) -> None:
    headers = {f"x-filler-{n}": "y" * 4000 for n in range(5)}
    response = await api.http.get("/healthz", headers=headers)
    assert_problem(response, 431, "request_header_fields_too_large")
    assert (await api.http.get("/healthz", headers={"x-filler": "y" * 4000})).status_code == 200


async def test_metrics_are_for_loopback_clients_when_no_token_is_set(api: Api) -> None:
    # httpx's ASGITransport presents the client as 127.0.0.1 unless told otherwise.
    local = await api.http.get("/metrics")
    assert local.status_code == 200 and "placements_http_requests_total" in local.text
    transport = RecordingTransport(api.app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as remote:
        assert_problem(await remote.get("/metrics"), 403, "forbidden")


async def test_metrics_need_the_metrics_token_when_one_is_set(backend: Backend) -> None:
    metrics_token = "m3tr1cs-" + "k" * 24
    async for client in open_client(backend, metrics_token=metrics_token):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": metrics_token}):
            response = await client.http.get("/metrics", headers=headers)
            assert_problem(response, 401, "unauthenticated")
            assert "www-authenticate" in response.headers
        transport = RecordingTransport(client.app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as far:
            got = await far.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
            assert got.status_code == 200 and "placements_http_requests_total" in got.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_uvicorn_started_by_hand_sends_no_banner_and_logs_no_query_string(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'edge.db'}"
    await asyncio.to_thread(upgrade, url)
    port = _free_port()
    log = tmp_path / "uvicorn.log"
    env = {
        **os.environ,
        "PLACEMENTS_DATABASE_URL": url,
        "PLACEMENTS_JWT_SECRET": SECRET,
        "PLACEMENTS_FILES_DIR": str(tmp_path / "files"),
        "PLACEMENTS_WEBHOOKS_DISPATCH": "false",
        "PLACEMENTS_LOG_LEVEL": "info",
    }
    with log.open("wb") as out:
        # Exactly as someone would start it by hand: no --no-access-log, no --no-server-header.
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, log.read_text()
                await asyncio.sleep(0.1)
            auth = {"Authorization": f"Bearer {token(['admin'], [], sub='edge')}"}
            response = await http.get(
                "/v1/people", params={"given_name": "Zebedee-Quint"}, headers=auth
            )
            assert response.status_code == 200, response.text
            assert "server" not in response.headers
            missing = await http.get("/nowhere", params={"who": "Zebedee-Quint"})
            assert "server" not in missing.headers
            await asyncio.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = log.read_text()
    assert "Zebedee-Quint" not in text, text
    assert '"route": "/v1/people"' in text  # our own access log, the route template only
