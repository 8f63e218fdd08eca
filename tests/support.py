"""Helpers for black-box API tests: tokens, callers by role, small factories."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from app.auth import mint_token

SECRET = "test-secret-0123456789abcdef-xyz"


def token(
    roles: list[str], teams: list[str] | None = None, sub: str | None = None, **kw: Any
) -> str:
    return mint_token(
        SECRET, sub=sub or f"user-{uuid.uuid4().hex[:8]}", roles=roles, teams=teams or [], **kw
    )


def unique_team() -> str:
    return f"team-{uuid.uuid4().hex[:10]}"


@dataclass
class Caller:
    """A principal with a token, making calls through one client."""

    http: httpx.AsyncClient
    sub: str
    roles: list[str]
    teams: list[str]
    headers: dict[str, str] = field(default_factory=dict)

    def _h(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {**self.headers, **(extra or {})}

    async def get(
        self, url: str, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.http.get(url, headers=self._h(headers), **kw)

    async def post(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.http.post(url, json=json, headers=self._h(headers), **kw)

    async def patch(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.http.patch(url, json=json, headers=self._h(headers), **kw)

    async def put(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.http.put(url, json=json, headers=self._h(headers), **kw)


@dataclass
class Api:
    http: httpx.AsyncClient
    app: FastAPI

    def as_(self, *roles: str, teams: list[str] | None = None, sub: str | None = None) -> Caller:
        sub = sub or f"user-{uuid.uuid4().hex[:8]}"
        tok = token(list(roles), teams or [], sub=sub, name=f"Test {sub}")
        return Caller(self.http, sub, list(roles), teams or [], {"Authorization": f"Bearer {tok}"})


def assert_problem(
    response: httpx.Response, status: int, code: str, rule: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].endswith(code)
    assert body["title"] and body["detail"]
    # Every problem names its request, as the X-Request-ID header does.
    assert body.get("request_id") == response.headers.get("x-request-id"), body
    assert body["request_id"], body
    if rule is not None:
        assert body.get("rule") == rule, body
    return body


def person_body(team: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "given_name": "Alex",
        "family_name": f"Test{uuid.uuid4().hex[:6]}",
        "date_of_birth": "2012-05-01",
        "cohort": "child",
        "team": team,
    }
    body.update(overrides)
    return body


async def make_person(api: Api, team: str, **overrides: Any) -> dict[str, Any]:
    # Only integration and admin set external ids (issue 9): an admin makes such a person.
    caller = api.as_("admin" if "external_ids" in overrides else "practitioner", teams=[team])
    response = await caller.post("/v1/people", json=person_body(team, **overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_provider(api: Api, **overrides: Any) -> dict[str, Any]:
    caller = api.as_("placements_officer")
    body = {
        "name": f"Provider {uuid.uuid4().hex[:6]}",
        "service": "foster_care",
        "team": "placements",
    }
    body.update(overrides)
    response = await caller.post("/v1/providers", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_vacancy(api: Api, provider_id: str, **overrides: Any) -> dict[str, Any]:
    caller = api.as_("placements_officer")
    body = {"label": f"Room {uuid.uuid4().hex[:4]}"}
    body.update(overrides)
    response = await caller.post(f"/v1/providers/{provider_id}/vacancies", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())
