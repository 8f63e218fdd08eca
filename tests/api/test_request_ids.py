"""Request ids: every problem body names its request, as X-Request-ID does; a client's id is
kept only when it is a sane token."""

from __future__ import annotations

import uuid

import pytest

from tests.support import Api, assert_problem, person_body, unique_team


@pytest.mark.parametrize("given", ["abc-123", "A.b_C-9", "x" * 128, str(uuid.uuid4())])
async def test_a_sane_client_request_id_is_kept(api: Api, given: str) -> None:
    response = await api.http.get("/v1/people", headers={"X-Request-ID": given})
    body = assert_problem(response, 401, "unauthenticated")
    assert response.headers["x-request-id"] == given and body["request_id"] == given


@pytest.mark.parametrize(
    "given", ["x" * 129, "has space", 'quote"d', "semi;colon", "new\\nline", "é", ""]
)
async def test_an_unsafe_client_request_id_is_replaced(api: Api, given: str) -> None:
    response = await api.http.get("/v1/people", headers={"X-Request-ID": given.encode()})
    body = assert_problem(response, 401, "unauthenticated")
    made = response.headers["x-request-id"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0
    assert body["request_id"] == made


async def test_each_request_gets_its_own_id(api: Api) -> None:
    first = await api.http.get("/healthz")
    second = await api.http.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_problems_from_the_middleware_carry_the_request_id(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    headers = {"X-Request-ID": "mw-415", "Content-Type": "text/plain"}
    media = await me.post("/v1/people", content=b"{}", headers=headers)
    assert assert_problem(media, 415, "unsupported_media_type")["request_id"] == "mw-415"
    big = await me.post(
        "/v1/people",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"X-Request-ID": "mw-413", "Content-Type": "application/json"},
    )
    assert assert_problem(big, 413, "payload_too_large")["request_id"] == "mw-413"
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    first = await me.post("/v1/people", json=person_body(team), headers=key)
    assert first.status_code == 201, first.text
    reused = await me.post(
        "/v1/people", json=person_body(team), headers={**key, "X-Request-ID": "mw-422"}
    )
    assert assert_problem(reused, 422, "idempotency_key_reused")["request_id"] == "mw-422"


async def test_problems_from_handlers_carry_the_request_id(api: Api) -> None:
    me = api.as_("practitioner", teams=[unique_team()])
    invalid = await me.post("/v1/people", json={"given_name": 3}, headers={"X-Request-ID": "v"})
    assert assert_problem(invalid, 422, "validation_error")["request_id"] == "v"
    missing = await me.get(f"/v1/people/{uuid.uuid4()}", headers={"X-Request-ID": "nf"})
    assert assert_problem(missing, 404, "not_found")["request_id"] == "nf"
    unrouted = await api.http.get("/nope", headers={"X-Request-ID": "r404"})
    assert assert_problem(unrouted, 404, "not_found")["request_id"] == "r404"


async def test_a_500_problem_carries_the_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import people

    async def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(people, "get", boom)
    me = api.as_("admin")
    response = await me.get(f"/v1/people/{uuid.uuid4()}", headers={"X-Request-ID": "five-00"})
    body = assert_problem(response, 500, "internal_error")
    assert body["request_id"] == "five-00" and response.headers["x-request-id"] == "five-00"
    assert "internal detail" not in response.text
