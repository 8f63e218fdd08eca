"""A real `placements serve` process: request ids in its log lines, graceful shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.serving import ROOT, served
from tests.support import SECRET, person_body, token, unique_team

FAIL_READS = """
import app.services.people as _people

async def _boom(*_args, **_kwargs):
    raise RuntimeError("internal detail")

_people.get = _boom
"""


def test_every_log_line_of_a_request_carries_its_id_the_500_error_log_included(
    tmp_path: Path,
) -> None:
    with served(tmp_path, preamble=FAIL_READS) as server:
        auth = {"Authorization": f"Bearer {token(['admin'])}", "X-Request-ID": "trace-500"}
        response = httpx.get(f"{server.base}/v1/people/{uuid.uuid4()}", headers=auth)
        assert response.status_code == 500
        assert response.json()["request_id"] == "trace-500"
        assert response.headers["x-request-id"] == "trace-500"
        other = httpx.get(f"{server.base}/healthz", headers={"X-Request-ID": "trace-ok"})
        assert other.status_code == 200
        time.sleep(0.3)
        lines = server.logs()
        text = server.log.read_text()
    mine = [line for line in lines if line.get("request_id") == "trace-500"]
    events = {line["event"]: line for line in mine}
    assert events["unhandled_error"]["level"] == "error"
    assert events["unhandled_error"]["error"] == "RuntimeError"
    assert events["request"]["status"] == 500
    # The traceback is in the error line with the id, not in a second line without one.
    assert "RuntimeError" in events["unhandled_error"]["exception"]
    assert "Exception in ASGI application" not in text
    assert [line["event"] for line in lines if line.get("request_id") == "trace-ok"] == ["request"]
    # Nothing the requests logged lacks an id (start-up and shutdown lines may).
    during = [line for line in lines if line.get("event") in {"request", "unhandled_error"}]
    assert during and all(line.get("request_id") for line in during)


def test_sigterm_lets_an_in_flight_request_finish_then_exits_0(tmp_path: Path) -> None:
    team = unique_team()
    body = json.dumps(person_body(team)).encode()
    with served(tmp_path) as server:
        still_running: list[bool] = []

        def slow_body() -> Iterator[bytes]:
            yield body[:10]
            time.sleep(0.3)
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(1.5)  # the server is shutting down while we still send
            still_running.append(server.proc.poll() is None)
            yield body[10:]

        response = httpx.post(
            f"{server.base}/v1/people",
            content=slow_body(),
            headers={
                "Authorization": f"Bearer {token(['practitioner'], [team])}",
                "Content-Type": "application/json",
            },
            timeout=30,
        )
        assert still_running == [True]
        assert response.status_code == 201, response.text
        assert response.json()["team"] == team
        assert server.proc.wait(timeout=30) == 0
        # It stopped listening: new connections are refused.
        try:
            httpx.get(f"{server.base}/healthz", timeout=2)
            raise AssertionError("still serving after SIGTERM")
        except httpx.TransportError:
            pass


def test_the_worker_runs_until_sigterm_then_exits_0(tmp_path: Path) -> None:
    from app.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    upgrade(url)
    log = tmp_path / "worker.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "PLACEMENTS_DATABASE_URL": url,
        "PLACEMENTS_JWT_SECRET": SECRET,
        "PLACEMENTS_WEBHOOKS_POLL_SECONDS": "0.2",
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while "worker.started" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        time.sleep(0.5)  # a few passes
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert "worker.stopped" in text and "dispatch_pass_failed" not in text
