"""The project's Spectral ruleset (openapi/.spectral.yaml) catches an error response with
no problem schema: run on a fixture document that gets it wrong in each way."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
FIXTURE = ROOT / "tests" / "fixtures" / "openapi-bad-problems.json"


def _lint(document: Path) -> list[dict[str, object]]:
    if shutil.which("node") is None or not SPECTRAL.exists():
        pytest.skip("node and node_modules (`npm ci`, run by `make lint`) are needed for Spectral")
    result = subprocess.run(
        [str(SPECTRAL), "lint", "-f", "json", "--ruleset", "openapi/.spectral.yaml", str(document)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip(), result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_an_error_without_a_problem_schema_fails_the_ruleset() -> None:
    findings = [f for f in _lint(FIXTURE) if f["code"] == "placements-problem-schema"]
    statuses = {str(f["path"][4]) for f in findings}  # type: ignore[index]
    # 401: an empty schema; 404: none; 409: the application/json twin; 500: no content.
    assert statuses == {"401", "404", "409", "500"}
    assert all(f["severity"] == 0 for f in findings)  # an error
