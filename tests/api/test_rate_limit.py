"""429 rate_limited over PLACEMENTS_RATE_LIMIT_PER_MINUTE, per principal, with the IETF
draft's RateLimit-* header fields on every authenticated response (API.md revision 2)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from app.ratelimit import RateLimiter
from tests.conftest import Backend, open_client
from tests.support import Api, assert_problem, person_body, unique_team


@pytest.fixture
async def limited(backend: Backend) -> AsyncIterator[Api]:
    async for client in open_client(backend, rate_limit_per_minute=3):
        yield client


async def test_over_the_limit_is_429_with_retry_after(limited: Api) -> None:
    me = limited.as_("admin")
    seen = []
    for _ in range(3):
        response = await me.get("/v1/people")
        assert response.status_code == 200, response.text
        assert response.headers["ratelimit-limit"] == "3"
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
        seen.append(response.headers["ratelimit-remaining"])
    assert seen == ["2", "1", "0"]
    refused = await me.get(f"/v1/referrals/{uuid.uuid4()}")
    body = assert_problem(refused, 429, "rate_limited")
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-limit"] == "3"
    assert "3 requests a minute" in body["detail"]
    # Another caller is counted on its own.
    other = await limited.as_("admin").get("/v1/people")
    assert other.status_code == 200 and other.headers["ratelimit-remaining"] == "2"


async def test_problems_carry_the_callers_standing_too(limited: Api) -> None:
    me = limited.as_("admin")
    missing = await me.get(f"/v1/referrals/{uuid.uuid4()}")
    assert_problem(missing, 404, "not_found")
    assert missing.headers["ratelimit-remaining"] == "2"
    # No principal, no standing: a 401 says nothing of limits.
    anonymous = await limited.http.get("/v1/people")
    assert_problem(anonymous, 401, "unauthenticated")
    assert "ratelimit-limit" not in anonymous.headers


async def test_a_429_is_not_kept_for_its_idempotency_key(limited: Api) -> None:
    """A retry with the same key once the window is over runs the request: the 429 was
    never stored as the key's answer."""
    team = unique_team()
    me = limited.as_("practitioner", teams=[team])
    for _ in range(3):
        assert (await me.get("/v1/people")).status_code == 200
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    body = person_body(team)
    assert_problem(await me.post("/v1/people", json=body, headers=key), 429, "rate_limited")
    limited.app.state.rate_limiter = RateLimiter(3)  # the window is over
    retry = await me.post("/v1/people", json=body, headers=key)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers


async def test_zero_turns_the_limit_off(backend: Backend) -> None:
    async for client in open_client(backend, rate_limit_per_minute=0):
        me = client.as_("admin")
        for _ in range(5):
            response = await me.get("/v1/people")
            assert response.status_code == 200
        assert "ratelimit-limit" not in response.headers


def test_the_default_is_1200_a_minute() -> None:
    from app.settings import Settings

    assert Settings.model_fields["rate_limit_per_minute"].default == 1200
