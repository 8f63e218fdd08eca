"""One real API process (`placements serve`, uvicorn) on a migrated SQLite file, for tests
that need a real server: signals, a browser, stdout logs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.migrate import upgrade
from tests.support import SECRET

ROOT = Path(__file__).resolve().parents[1]

# Runs the `placements` command in a fresh interpreter; `preamble` (test code only, e.g. a
# monkeypatch) runs first.
LAUNCHER = "import sys\n{preamble}\nfrom app.cli import main\nsys.argv[0] = 'placements'\nmain()\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    def logs(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (anything else is skipped)."""
        out = []
        for line in self.log.read_text().splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
        return out

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


@contextmanager
def served(
    tmp_path: Path,
    *,
    preamble: str = "",
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    migrate: bool = True,
) -> Iterator[Served]:
    """Start `placements serve` on a free 127.0.0.1 port; wait for /healthz; always stop it."""
    db = tmp_path / "served.db"
    url = f"sqlite+aiosqlite:///{db}"
    if migrate:
        upgrade(url)
    port = free_port()
    log = tmp_path / f"served-{port}.log"
    full_env = {
        **os.environ,
        "PLACEMENTS_DATABASE_URL": url,
        "PLACEMENTS_JWT_SECRET": SECRET,
        "PLACEMENTS_FILES_DIR": str(tmp_path / "files"),
        "PLACEMENTS_WEBHOOKS_DISPATCH": "false",
        "PLACEMENTS_LOG_LEVEL": "info",
        **(env or {}),
    }
    command = [sys.executable, "-c", LAUNCHER.format(preamble=preamble)]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited {proc.returncode}: {log.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server not up in 60 s: {log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield Served(base, proc, log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
