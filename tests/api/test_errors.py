"""Every error is an RFC 9457 problem; no input reaches a 500."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.support import Api, assert_problem, make_person, token, unique_team

UPLOAD = re.compile(r"/documents$")


async def test_401_without_or_with_bad_token(api: Api) -> None:
    response = await api.http.get("/v1/people")
    body = assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Traceback" not in response.text and body["detail"]
    bad = await api.http.get("/v1/people", headers={"Authorization": "Bearer abc.def.ghi"})
    assert_problem(bad, 401, "unauthenticated")
    expired = token(["admin"], extra={"exp": 1_000_000_000})
    assert_problem(
        await api.http.get("/v1/people", headers={"Authorization": f"Bearer {expired}"}),
        401,
        "unauthenticated",
    )


async def test_token_with_no_known_role_is_403(api: Api) -> None:
    tok = token(["wizard"], ["t"])
    response = await api.http.get("/v1/people", headers={"Authorization": f"Bearer {tok}"})
    assert_problem(response, 403, "forbidden")


async def test_unknown_route_is_problem_404(api: Api) -> None:
    me = api.as_("admin")
    assert_problem(await me.get("/v1/nothing-here"), 404, "not_found")
    assert_problem(await api.http.get("/nope"), 404, "not_found")


async def test_405_and_delete_refused(api: Api) -> None:
    me = api.as_("admin")
    response = await me.http.put("/v1/people", headers=me.headers, json={})
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"


async def test_405_allow_lists_every_method_of_the_path(api: Api) -> None:
    """A path served by several routes (GET and PATCH /v1/referrals/{id}) allows both."""
    me = api.as_("admin")
    path = f"/v1/referrals/{uuid.uuid4()}"
    deleted = await me.http.delete(path, headers=me.headers)
    body = assert_problem(deleted, 405, "method_not_allowed")
    assert deleted.headers["allow"] == "GET, PATCH"
    assert "R19" in body["detail"]
    put = await me.put(path, json={})
    assert_problem(put, 405, "method_not_allowed")
    assert put.headers["allow"] == "GET, PATCH"
    action = await me.get(f"/v1/referrals/{uuid.uuid4()}/submit")
    assert_problem(action, 405, "method_not_allowed")
    assert action.headers["allow"] == "POST"
    upsert = await me.post("/v1/people/external/crm/x1", json={})
    assert_problem(upsert, 405, "method_not_allowed")
    assert upsert.headers["allow"] == "PUT"


async def test_415_for_non_json_body(api: Api) -> None:
    me = api.as_("practitioner", teams=["t"])
    response = await me.post(
        "/v1/people",
        content=b"given_name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_problem(response, 415, "unsupported_media_type")
    text = await me.post("/v1/people", content=b"{}", headers={"Content-Type": "text/plain"})
    assert_problem(text, 415, "unsupported_media_type")


async def test_413_for_large_json_by_length_and_by_stream(api: Api) -> None:
    me = api.as_("practitioner", teams=["t"])
    big = b'{"given_name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = await me.post(
        "/v1/people", content=big, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * (64 * 1024)
        yield b"{}"

    streamed = await me.post(
        "/v1/people", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(streamed, 413, "payload_too_large")


JSON = {"Content-Type": "application/json"}


async def test_400_malformed_body_for_json_that_does_not_parse(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    malformed = await me.post("/v1/people", content=b'{"given_name": ', headers=JSON)
    body = assert_problem(malformed, 400, "malformed_body")
    assert body["errors"] == [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]
    not_utf8 = await me.post("/v1/people", content=b'{"given_name": "\xff\xfe"}', headers=JSON)
    assert_problem(not_utf8, 400, "malformed_body")
    person = await make_person(api, team)
    patch = await me.patch(f"/v1/people/{person['id']}", content=b"{,}", headers=JSON)
    assert_problem(patch, 400, "malformed_body")
    # An action whose body is optional parses one when it is sent.
    withdraw = await me.post(f"/v1/referrals/{uuid.uuid4()}/withdraw", content=b"[", headers=JSON)
    assert_problem(withdraw, 400, "malformed_body")
    # Valid JSON of the wrong shape is still 422.
    assert_problem(
        await me.post("/v1/people", content=b"null", headers=JSON), 422, "validation_error"
    )


async def test_422_wrong_types(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    wrong = await me.post(
        "/v1/people",
        json={
            "given_name": 5,
            "family_name": ["x"],
            "date_of_birth": "yesterday",
            "cohort": "elder",
            "team": team,
        },
    )
    body = assert_problem(wrong, 422, "validation_error")
    locs = {tuple(e["loc"]) for e in body["errors"]}
    assert {
        ("body", "given_name"),
        ("body", "family_name"),
        ("body", "date_of_birth"),
        ("body", "cohort"),
    } <= locs
    assert_problem(await me.post("/v1/people", json=[1, 2]), 422, "validation_error")


def _write_operations(doc: dict) -> list[tuple[str, str]]:
    out = []
    for path, item in doc["paths"].items():
        for method in item:
            if method in {"post", "put", "patch"}:
                out.append((method.upper(), path))
    return out


BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("malformed", b'{"a": ', "application/json"),
    ("wrong-type", b'["not", "an", "object"]', "application/json"),
    ("unknown-fields", b'{"zzz_unknown": 1, "id": "x", "status": "done"}', "application/json"),
    ("nulls", b'{"given_name": null, "kind": null, "outcome": null}', "application/json"),
    ("huge-number", b'{"weekly_cost_pence": 1e400, "limit": -1}', "application/json"),
    ("xml", b"<a/>", "application/xml"),
    ("empty-object", b"{}", "application/json"),
]


@pytest.mark.parametrize("role", ["admin", "practitioner", "placements_officer"])
async def test_no_write_route_gives_500_for_bad_input(api: Api, role: str) -> None:
    doc = (await api.http.get("/openapi.json")).json()
    me = api.as_(role, teams=[unique_team()])
    seen = 0
    for method, path in _write_operations(doc):
        url = re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), path)
        for name, content, media in BAD_BODIES:
            response = await me.http.request(
                method, url, content=content, headers={**me.headers, "Content-Type": media}
            )
            assert response.status_code < 500, (method, path, name, response.text)
            assert response.headers["content-type"].startswith(
                ("application/problem+json", "application/json")
            ), (method, path, name)
            if response.status_code >= 400:
                problem = response.json()
                assert problem["code"] and problem["status"] == response.status_code
            seen += 1
        huge = b'{"x": "' + b"y" * (21 * 1024 * 1024) + b'"}'
        big = await me.http.request(
            method, url, content=huge, headers={**me.headers, "Content-Type": "application/json"}
        )
        assert_problem(big, 413, "payload_too_large")
    assert seen >= len(BAD_BODIES) * 5


async def test_request_id_is_echoed(api: Api) -> None:
    response = await api.http.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["x-request-id"] == "abc-123"


async def test_readyz_and_metrics(api: Api) -> None:
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    metrics = await api.http.get("/metrics")
    assert metrics.status_code == 200
    assert "placements_http_requests_total" in metrics.text


async def test_unexpected_error_is_a_500_problem_without_internals(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import people

    async def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail at /srv/app.py line 3")

    monkeypatch.setattr(people, "get", boom)
    me = api.as_("admin")
    response = await me.get(f"/v1/people/{uuid.uuid4()}")
    body = assert_problem(response, 500, "internal_error")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["detail"] == "An internal error occurred."


async def test_v1_responses_are_not_cached(api: Api) -> None:
    response = await api.as_("admin").get("/v1/people")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_cors_is_off_unless_origins_are_configured(api: Api) -> None:
    response = await api.http.options(
        "/v1/people",
        headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in response.headers
