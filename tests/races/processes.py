"""Several real API processes (uvicorn) on one PostgreSQL schema, for race tests that must
hold across processes, not only across one app's connection pool."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Backend
from tests.support import SECRET

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    backend: Backend, port: int, log: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    assert backend.schema is not None
    env = {
        **os.environ,
        "PLACEMENTS_DATABASE_URL": backend.url,
        "PLACEMENTS_DATABASE_SCHEMA": backend.schema,
        "PLACEMENTS_JWT_SECRET": SECRET,
        "PLACEMENTS_FILES_DIR": str(backend.files_dir),
        "PLACEMENTS_LOG_LEVEL": "warning",
        **(extra_env or {}),
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"API process exited {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    pytest.fail(f"API process on {base} not ready in 30s: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class ApiProcess:
    """One API process: its base URL, and a way to kill it as a crash would (SIGKILL)."""

    base: str
    proc: subprocess.Popen[bytes]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@asynccontextmanager
async def api_process(
    backend: Backend, tmp_path: Path, name: str, env: dict[str, str] | None = None
) -> AsyncIterator[ApiProcess]:
    """Start one API process (with `env` over the usual settings); always stop it."""
    port = _free_port()
    log = tmp_path / f"api-{name}.log"
    proc = _start(backend, port, log, env)
    try:
        handle = ApiProcess(f"http://127.0.0.1:{port}", proc)
        await _wait_ready(handle.base, proc, log)
        yield handle
    finally:
        _stop(proc)


@asynccontextmanager
async def api_processes(
    backend: Backend, tmp_path: Path, count: int = 2, env: dict[str, str] | None = None
) -> AsyncIterator[list[str]]:
    """Start `count` API processes on `backend`; yield their base URLs; always stop them."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bases = []
        for i in range(count):
            port = _free_port()
            procs.append(_start(backend, port, tmp_path / f"api-{i}.log", env))
            bases.append(f"http://127.0.0.1:{port}")
        for i, (base, proc) in enumerate(zip(bases, procs, strict=True)):
            await _wait_ready(base, proc, tmp_path / f"api-{i}.log")
        yield bases
    finally:
        for proc in procs:
            _stop(proc)


async def pg_connect(backend: Backend) -> Any:
    """A plain asyncpg connection to the backend's schema (to hold locks, read rows)."""
    import asyncpg

    assert backend.schema is not None
    conn = await asyncpg.connect(backend.url.replace("+asyncpg", ""), timeout=10)
    await conn.execute(f'SET search_path TO "{backend.schema}"')
    return conn


async def wait_for_key(conn: Any, sub: str, key: str, timeout: float = 15.0) -> None:
    """Until the Idempotency-Key is claimed (in flight), bounded in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = await conn.fetchval(
            "SELECT state FROM idempotency_keys WHERE principal_sub = $1 AND key = $2", sub, key
        )
        if state == "in_flight":
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"key {key} never claimed in {timeout}s")
