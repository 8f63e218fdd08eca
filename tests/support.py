"""Helpers for black-box API tests: tokens, callers by role, small factories."""

from __future__ import annotations

import re
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


# Every problem the suite sees, as (operation, status, code): the operation is its
# operationId, or "METHOD /path/template" for a method the path does not serve. At the
# session's end tests/conftest.py fails the run on any the contract does not declare.
PROBLEMS_SEEN: dict[tuple[str, int, str], str] = {}
# Every 2xx response's headers the contract declares per operation: (operation, status,
# header) -> the request that showed it, and (operation, status) seen at all.
HEADERS_SEEN: dict[tuple[str, int, str], str] = {}
RESPONSES_SEEN: dict[tuple[str, int], set[str]] = {}
CHECKED_HEADERS = ("etag", "location", "link", "x-request-id")


_TEMPLATES: dict[int, list[tuple[re.Pattern[str], int, str, dict[str, str]]]] = {}


def operation_of(app: Any, method: str, path: str) -> str | None:
    """The operationId a request reaches (by the served contract's path templates; the
    one with the most literal segments wins, as a router would), or "METHOD /template"
    when the path is served but not that method; None for a path outside the contract."""
    templates = _TEMPLATES.get(id(app))
    if templates is None:
        templates = []
        for template, item in app.openapi()["paths"].items():
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
            literal = sum(1 for part in template.split("/") if part and "{" not in part)
            ops = {m.upper(): op["operationId"] for m, op in item.items()}
            templates.append((re.compile(f"^{pattern}$"), literal, template, ops))
        templates.sort(key=lambda t: -t[1])
        _TEMPLATES[id(app)] = templates
    matching = [t for t in templates if t[0].match(path)]
    for _, _, _, ops in matching:
        if method in ops:
            return ops[method]
    return f"{method} {matching[0][2]}" if matching else None


def record(app: Any, request: httpx.Request, response: httpx.Response) -> None:
    """Note what the response shows of the contract (problems, headers)."""
    operation = operation_of(app, request.method, request.url.path)
    if operation is None:
        return
    where = f"{request.method} {request.url.path}"
    if response.status_code >= 400:
        if not response.headers.get("content-type", "").startswith("application/problem+json"):
            PROBLEMS_SEEN.setdefault((operation, response.status_code, "<not a problem>"), where)
            return
        try:
            code = str(response.json().get("code"))
        except ValueError:
            code = "<not JSON>"
        PROBLEMS_SEEN.setdefault((operation, response.status_code, code), where)
        return
    seen = RESPONSES_SEEN.setdefault((operation, response.status_code), set())
    present = {h for h in CHECKED_HEADERS if h in response.headers}
    seen.add(",".join(sorted(present)))
    for header in present:
        HEADERS_SEEN.setdefault((operation, response.status_code, header), where)


class RecordingTransport(httpx.ASGITransport):
    """The in-process transport every test client uses: it records each response against
    the contract (`record`)."""

    def __init__(self, app: Any, **kw: Any) -> None:
        kw.setdefault("raise_app_exceptions", False)
        super().__init__(app=app, **kw)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if not request.url.path.startswith("/v1/"):
            return response
        body = await response.aread()
        out = httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )
        record(self.app, request, out)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(body),
            request=request,
            extensions=response.extensions,
        )


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


def _declared(contract: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """operationId -> its operation, and path template -> the operationIds serving it."""
    operations: dict[str, Any] = {}
    paths: dict[str, list[str]] = {}
    for path, item in contract.get("paths", {}).items():
        for op in item.values():
            operations[op["operationId"]] = op
            paths.setdefault(path, []).append(op["operationId"])
    return operations, paths


def declared_problem_codes(
    contract: dict[str, Any], operation: dict[str, Any]
) -> dict[int, set[str]]:
    """status -> the codes an operation declares (its schema's `code` enum)."""
    schemas = contract["components"]["schemas"]
    out: dict[int, set[str]] = {}
    for status, response in operation["responses"].items():
        schema = response.get("content", {}).get("application/problem+json", {}).get("schema")
        if not schema:
            continue
        ref = schema.get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1], schema)
        codes: set[str] = set()
        for part in target.get("allOf", [target]):
            codes |= set(part.get("properties", {}).get("code", {}).get("enum", []))
        out[int(status)] = codes
    return out


def _response_headers(contract: dict[str, Any], response: dict[str, Any]) -> dict[str, bool]:
    """header name (lower case) -> required, as declared on one response."""
    out = {}
    for name, header in response.get("headers", {}).items():
        if "$ref" in header:
            header = contract["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
        out[name.lower()] = bool(header.get("required"))
    return out


def contract_breaches(contract: dict[str, Any]) -> list[str]:
    """What the suite saw that the contract does not declare."""
    operations, paths = _declared(contract)
    out = []
    for (operation, status, code), where in sorted(PROBLEMS_SEEN.items()):
        if " " in operation:  # a method the path does not serve: every operation of it
            template = operation.split(" ", 1)[1]
            owners = [operations[o] for o in paths.get(template, [])]
        else:
            owners = [operations[operation]] if operation in operations else []
        for op in owners:
            if code not in declared_problem_codes(contract, op).get(status, set()):
                out.append(f"{op['operationId']}: {status} {code} (seen on {where})")
    for (operation, status), variants in sorted(RESPONSES_SEEN.items()):
        op = operations.get(operation)
        if op is None:
            continue
        response = op["responses"].get(str(status))
        if response is None:
            out.append(f"{operation}: {status} is not declared")
            continue
        headers = _response_headers(contract, response)
        for variant in variants:
            present = set(variant.split(",")) - {""}
            for name, required in headers.items():
                if required and name in CHECKED_HEADERS and name not in present:
                    out.append(f"{operation}: {status} without its required {name} header")
            for name in present - set(headers):
                where = HEADERS_SEEN.get((operation, status, name), "")
                out.append(f"{operation}: {status} sends {name}, not declared (seen on {where})")
    return sorted(set(out))
