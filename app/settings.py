"""Every PLACEMENTS_* variable, typed and validated in one place (API.md "Running it")."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.policy import Policy

UkNation = Literal["england-and-wales", "scotland", "northern-ireland"]


class SettingsError(SystemExit):
    """Start-up refused: a variable has a bad value. The message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLACEMENTS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./placements.db"
    # PostgreSQL only: the schema (search_path) to use; tests run each suite in its own.
    database_schema: str | None = Field(
        default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$", max_length=63
    )
    jwt_secret: SecretStr | None = None
    jwks_url: str | None = None
    jwt_issuer: str = "placements-local"
    jwt_audience: str = "placements-api"
    jwks_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    jwks_cache_seconds: int = Field(default=3600, ge=0)
    uk_nation: UkNation = "england-and-wales"
    files_dir: Path = Path("./data/files")
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    policy_file: Path | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    idempotency_ttl_hours: int = Field(default=24, gt=0)
    # How long an in-flight Idempotency-Key is held before a retry may take it over.
    idempotency_lease_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Browser front ends served from other origins (JSON list), e.g. ["https://portal.example"].
    cors_origins: list[str] = Field(default_factory=list)
    # Webhooks: run the delivery loop in this process, and how often it looks for work.
    webhooks_dispatch: bool = True
    webhooks_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    # Development only: let webhooks target loopback and private addresses (SSRF guard off).
    webhooks_allow_private: bool = False
    # Requests per principal per minute, counted in each process (0: no limit). A limit
    # across processes belongs to the load balancer (docs/deploying.md).
    rate_limit_per_minute: int = Field(default=1200, ge=0)
    # Bearer token a scraper sends to GET /metrics; unset, only loopback clients may read it.
    metrics_token: SecretStr | None = None

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgres://") or value.startswith("postgresql://"):
            # Accept the libpq form and use the async driver the app needs.
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not (
            value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")
        ):
            raise ValueError(
                "must be an async SQLAlchemy URL: sqlite+aiosqlite:///path or "
                "postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("jwks_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        allowed = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"}
        bad = [a for a in value if a not in allowed]
        if bad:
            raise ValueError(f"JWKS tokens must use asymmetric algorithms, not {bad}")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _secret_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @model_validator(mode="after")
    def _policy_file_exists(self) -> Settings:
        if self.policy_file is not None and not self.policy_file.is_file():
            raise ValueError(f"PLACEMENTS_POLICY_FILE {self.policy_file} is not a readable file")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def load_policy(self) -> Policy:
        """The R18 numbers: defaults, then the TOML policy file, then PLACEMENTS_UK_NATION."""
        data: dict[str, Any] = {}
        if self.policy_file is not None:
            with self.policy_file.open("rb") as fh:
                data = tomllib.load(fh)
        data["uk_nation"] = self.uk_nation
        return Policy.model_validate(data)


def describe(error: ValidationError) -> str:
    lines = ["The placements API cannot start: bad configuration."]
    for item in error.errors():
        name = "PLACEMENTS_" + "_".join(str(p) for p in item["loc"]).upper() if item["loc"] else ""
        lines.append(f"  {name or 'settings'}: {item['msg']}")
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read the environment; a bad value stops start-up with a clear message."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe(error)) from None
    try:
        settings.load_policy()
    except ValidationError as error:
        lines = [f"The placements API cannot start: bad policy in {settings.policy_file}."]
        for item in error.errors():
            lines.append(f"  {'.'.join(str(p) for p in item['loc'])}: {item['msg']}")
        raise SettingsError("\n".join(lines)) from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"The placements API cannot start: policy file: {error}") from None
    return settings


@lru_cache
def get_settings() -> Settings:
    return load_settings()
