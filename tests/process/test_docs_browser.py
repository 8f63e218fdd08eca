"""/docs (Swagger UI) and /redoc open in headless Chromium from a real server and list
every operation of the contract; screenshots are saved under docs/screenshots/.

Chromium is Debian's `chromium`, which `make test` installs when missing and it may. Where
it is missing the test skips, saying why; under CI=true it fails instead when this machine
could have installed it (root with apt-get).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import ROOT, Served, served

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCREENSHOTS = ROOT / "docs" / "screenshots"
# A loaded machine can stall one headless run; a fresh run nearly always goes through.
ATTEMPTS = 3
ATTEMPT_SECONDS = 90


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    installable = os.geteuid() == 0 and shutil.which("apt-get") is not None
    message = "chromium is not installed (`make test` installs it with apt-get as root)"
    if IN_CI and installable:
        pytest.fail(f"{message}; under CI=true this machine could have installed it")
    pytest.skip(f"{message}: the docs browser test needs it")


def _browse(chromium: str, profile: Path, url: str, *args: str) -> str:
    """Run headless Chromium once per attempt, each with a profile of its own (a second run
    on the first one's profile can wait forever on a lock its helpers still hold), in a
    process group of its own so a run that hangs is killed with all its children."""
    failures: list[str] = []
    for attempt in range(1, ATTEMPTS + 1):
        command = [
            chromium,
            "--headless",
            "--no-sandbox",  # root in a container has no user namespaces for the sandbox
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}-{args[0].lstrip('-').split('=')[0]}-{attempt}",
            "--virtual-time-budget=8000",  # let the page's scripts fetch and render the contract
            *args,
            url,
        ]
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=ATTEMPT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            failures.append(f"attempt {attempt}: no answer in {ATTEMPT_SECONDS} s")
            continue
        if proc.returncode == 0:
            return stdout
        failures.append(f"attempt {attempt}: exit {proc.returncode}: {stderr[-1500:]}")
    pytest.fail(f"chromium {' '.join(args)} {url} failed: " + " | ".join(failures))


def _operations() -> list[tuple[str, str]]:
    contract = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    return [
        (operation["tags"][0], operation["operationId"])
        for item in contract["paths"].values()
        for operation in item.values()
    ]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("docs-browser")) as running:
        yield running


def _rendered(dom: str, base: str, tmp_path: Path) -> str:
    """The page as the browser rendered it, as a static file: the dumped DOM without its
    scripts (nothing left to run or wait for), its stylesheets from the server."""
    static = re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.S | re.I)
    static = static.replace("<head>", f'<head><base href="{base}/">', 1)
    path = tmp_path / "rendered.html"
    path.write_text(static)
    return path.as_uri()


@pytest.mark.parametrize(
    ("page", "anchor", "shoot_rendered"),
    [
        # Swagger UI: <div id="operations-{tag}-{operationId}" class="opblock ...">. Its
        # live page under Chromium's virtual time can hang a screenshot for good (seen on
        # Chromium 156, every attempt of a CI run) while --dump-dom of it goes through,
        # so the screenshot is of the DOM it rendered (its styles are a stylesheet).
        ("docs", "operations-{tag}-{op}", True),
        # Redoc: <div id="tag/{tag}/operation/{operationId}">; its styles are injected by
        # its script, so the screenshot is of the live page.
        ("redoc", "tag/{tag}/operation/{op}", False),
    ],
)
def test_the_docs_page_lists_every_operation_in_a_browser(
    server: Served, tmp_path: Path, page: str, anchor: str, shoot_rendered: bool
) -> None:
    chromium = _chromium()
    operations = _operations()
    assert len(operations) > 50
    url = f"{server.base}/{page}"
    dom = _browse(chromium, tmp_path / "profile", url, "--dump-dom")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{page}.png"
    target = _rendered(dom, server.base, tmp_path) if shoot_rendered else url
    _browse(
        chromium, tmp_path / "profile", target, f"--screenshot={shot}", "--window-size=1280,1600"
    )
    ids = set(re.findall(r'id="([^"]+)"', dom))
    missing = [op for tag, op in operations if anchor.format(tag=tag, op=op) not in ids]
    assert not missing, f"{page} does not list {len(missing)} operations: {missing[:10]}"
    assert "Placements API" in dom
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
