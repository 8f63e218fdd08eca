"""Idempotency-Key on every POST: replay, reuse with another body, in flight."""

from __future__ import annotations

import uuid

from tests.support import Api, assert_problem, person_body, unique_team


async def test_same_key_same_body_replays_first_response(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    body = person_body(team)
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    first = await me.post("/v1/people", json=body, headers=key)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    second = await me.post("/v1/people", json=body, headers=key)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    listed = await me.get("/v1/people", params={"team": team})
    assert len(listed.json()["items"]) == 1


async def test_same_key_other_body_is_422(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    assert (await me.post("/v1/people", json=person_body(team), headers=key)).status_code == 201
    other = await me.post("/v1/people", json=person_body(team, given_name="Other"), headers=key)
    assert_problem(other, 422, "idempotency_key_reused")


async def test_keys_are_per_caller(api: Api) -> None:
    team = unique_team()
    alice = api.as_("practitioner", teams=[team])
    bob = api.as_("practitioner", teams=[team])
    key = {"Idempotency-Key": "shared-key-" + uuid.uuid4().hex}
    body = person_body(team)
    a = await alice.post("/v1/people", json=body, headers=key)
    b = await bob.post("/v1/people", json=body, headers=key)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_failed_request_is_replayed_too_but_5xx_would_not_be(api: Api) -> None:
    """A 4xx answer is the answer: the same key and body gets it again."""
    me = api.as_("practitioner", teams=["t"])
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    bad = await me.post("/v1/people", json={"given_name": "x"}, headers=key)
    assert bad.status_code == 422
    again = await me.post("/v1/people", json={"given_name": "x"}, headers=key)
    assert again.status_code == 422 and again.headers["idempotent-replayed"] == "true"


async def test_invalid_key_is_422(api: Api) -> None:
    me = api.as_("practitioner", teams=["t"])
    response = await me.post("/v1/people", json={}, headers={"Idempotency-Key": "x" * 300})
    assert_problem(response, 422, "validation_error")


async def test_unauthenticated_post_with_key_is_401(api: Api) -> None:
    response = await api.http.post("/v1/people", json={}, headers={"Idempotency-Key": "k"})
    assert_problem(response, 401, "unauthenticated")


async def test_upload_retry_with_the_same_key_replays_despite_a_new_boundary(api: Api) -> None:
    from tests.api.test_referrals import make_referral

    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    referral = await make_referral(api, team)
    url = f"/v1/referrals/{referral['id']}/documents"
    key = {"Idempotency-Key": f"up-{uuid.uuid4()}"}
    files = {"file": ("plan.pdf", b"%PDF-1.4 plan", "application/pdf")}
    first = await me.post(url, files=files, data={"kind": "care_and_support_plan"}, headers=key)
    assert first.status_code == 201, first.text
    again = await me.post(url, files=files, data={"kind": "care_and_support_plan"}, headers=key)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = await me.post(url, files=files, data={"kind": "risk_assessment"}, headers=key)
    assert_problem(other, 422, "idempotency_key_reused")
    assert len((await me.get(url)).json()["items"]) == 1
