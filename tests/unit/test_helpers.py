"""Cursor encoding, UUIDv7 ordering, settings validation, policy loading."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest

from app.ids import uuid7, uuid7_time_ms
from app.pagination import decode_cursor, encode_cursor
from app.problems import ValidationFailed
from app.settings import Settings, SettingsError, load_settings


def test_cursor_round_trips_uuid_and_int() -> None:
    value = uuid7()
    assert decode_cursor(encode_cursor(value)) == value
    assert decode_cursor(encode_cursor(12345)) == 12345
    assert "=" not in encode_cursor(value)


@pytest.mark.parametrize(
    "key", [0, 1, 12345, 2**63 - 1, uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid7()]
)
def test_cursor_is_the_compact_json_of_its_key(key: uuid.UUID | int) -> None:
    # Cursors given out before stay valid and equal: the bytes of json.dumps, as before.
    value = key.hex if isinstance(key, uuid.UUID) else key
    raw = json.dumps({"k": value}, separators=(",", ":")).encode()
    assert encode_cursor(key) == base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "bad", ["", "!!", "eyJ4IjoxfQ", "bm90IGpzb24", "eyJrIjotMX0", "eyJrIjp0cnVlfQ"]
)
def test_bad_cursor_is_422(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_cursor(bad)


def test_uuid7_is_version_7_and_time_ordered() -> None:
    ids = [uuid7() for _ in range(5000)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids)
    assert ids == sorted(ids, key=lambda i: i.hex)  # SQLite stores hex: same order
    assert len(set(ids)) == len(ids)
    assert uuid7_time_ms(ids[-1]) >= uuid7_time_ms(ids[0])


def test_settings_defaults() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///./placements.db"
    assert settings.jwt_issuer == "placements-local" and settings.jwt_audience == "placements-api"
    assert settings.uk_nation == "england-and-wales"
    assert settings.max_body_bytes == 1024 * 1024 and settings.max_upload_bytes == 20 * 1024 * 1024


def test_postgres_url_gets_the_async_driver() -> None:
    assert (
        Settings(database_url="postgresql://u@h/db").database_url == "postgresql+asyncpg://u@h/db"
    )


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"PLACEMENTS_UK_NATION": "wessex"}, "PLACEMENTS_UK_NATION"),
        ({"PLACEMENTS_MAX_BODY_BYTES": "lots"}, "PLACEMENTS_MAX_BODY_BYTES"),
        ({"PLACEMENTS_MAX_UPLOAD_BYTES": "0"}, "PLACEMENTS_MAX_UPLOAD_BYTES"),
        ({"PLACEMENTS_DATABASE_URL": "mysql://x"}, "PLACEMENTS_DATABASE_URL"),
        ({"PLACEMENTS_JWT_SECRET": "short"}, "PLACEMENTS_JWT_SECRET"),
        ({"PLACEMENTS_POLICY_FILE": "/nonexistent/policy.toml"}, "PLACEMENTS"),
    ],
)
def test_bad_variables_stop_start_up_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], name: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert name in str(info.value.code)


def test_policy_file_overrides_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text("casework_contacts_per_episode = 12\npanel_document_working_days = 5\n")
    monkeypatch.setenv("PLACEMENTS_POLICY_FILE", str(policy_file))
    monkeypatch.setenv("PLACEMENTS_UK_NATION", "scotland")
    policy = load_settings().load_policy()
    assert policy.casework_contacts_per_episode == 12
    assert policy.panel_document_working_days == 5
    assert policy.uk_nation == "scotland"
    assert policy.cla_review_stages == ["28d", "3m"]


def test_bad_policy_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text("casework_contacts_per_episode = 'ten'\nunknown_number = 3\n")
    monkeypatch.setenv("PLACEMENTS_POLICY_FILE", str(policy_file))
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "casework_contacts_per_episode" in str(info.value.code)


async def test_cors_for_configured_origins(tmp_path: Path) -> None:
    import httpx

    from app.main import create_app

    app = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
            cors_origins=["https://portal.example"],
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.options(
            "/v1/people",
            headers={
                "Origin": "https://portal.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
            },
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://portal.example"
    await app.state.engine.dispose()
