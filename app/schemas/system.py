"""Service endpoints outside /v1: health and readiness bodies (not in the contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    """`/healthz`: the process is up."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """`/readyz`: the database is reachable and migrated (`ready`), or not (503)."""

    status: Literal["ready", "unavailable"]
    database: Literal["ok", "unavailable"]
    migrations: Literal["head", "behind", "unknown"] | None = None
