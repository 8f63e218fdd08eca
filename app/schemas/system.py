"""Service endpoints: health and readiness bodies outside /v1 (not in the contract), and
the policy in force (`GET /v1/policy`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.domain.policy import Policy


class Health(BaseModel):
    """`/healthz`: the process is up."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """`/readyz`: the database is reachable and migrated (`ready`), or not (503)."""

    status: Literal["ready", "unavailable"]
    database: Literal["ok", "unavailable"]
    migrations: Literal["head", "behind", "unknown"] | None = None


class PolicyRead(Policy):
    """`GET /v1/policy`: the R18 numbers in force (defaults, the policy file,
    PLACEMENTS_UK_NATION), and the document kinds a document may be uploaded as."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    document_kinds: list[str] = Field(
        description="The kinds a document may be uploaded as (`kind` of an upload)."
    )
