"""Idempotency-Key on every POST: replay, reuse with another body, in flight."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from app.idempotency import IdempotencyStore, StoredResponse, mark_done, request_fingerprint
from app.models import IdempotencyRecord
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


async def test_a_key_whose_lease_ran_out_is_taken_over_and_only_one_claim_can_store(
    api: Api,
) -> None:
    """A process killed mid-request leaves its claim in flight; once the lease has run out a
    retry takes it over, and the first claim can no longer store its answer (so its
    change, if it ever commits, is rolled back: no double effect)."""
    store = IdempotencyStore(api.app.state.sessionmaker, timedelta(hours=1), lease=timedelta(0))
    sub, key = f"user-{uuid.uuid4().hex[:8]}", f"k-{uuid.uuid4()}"
    first = await store.claim(sub, key, "f" * 64)
    taken = await store.claim(sub, key, "f" * 64)
    assert (first.outcome, taken.outcome) == ("new", "new")
    assert first.owner and taken.owner and first.owner != taken.owner
    response = StoredResponse(201, [("content-type", "application/json")], b"{}")
    async with api.app.state.sessionmaker() as session, session.begin():
        assert await mark_done(session, sub, key, first.owner, response) is False
        assert await mark_done(session, sub, key, taken.owner, response) is True
    replay = await store.claim(sub, key, "f" * 64)
    assert replay.outcome == "replay" and replay.response == response


async def test_a_key_still_within_its_lease_is_in_use(api: Api) -> None:
    store = IdempotencyStore(api.app.state.sessionmaker, timedelta(hours=1))
    sub, key = f"user-{uuid.uuid4().hex[:8]}", f"k-{uuid.uuid4()}"
    assert (await store.claim(sub, key, "f" * 64)).outcome == "new"
    assert (await store.claim(sub, key, "f" * 64)).outcome == "in_use"


async def test_a_stale_in_flight_key_lets_the_retry_run(api: Api) -> None:
    """A key left in flight by a crash (its lease long gone) never answers 409: the retry
    runs the request and its answer replays from then on."""
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    body = json.dumps(person_body(team)).encode()
    key = f"k-{uuid.uuid4()}"
    headers = {"Idempotency-Key": key, "content-type": "application/json"}
    fingerprint = request_fingerprint("POST", "/v1/people", b"", "application/json", body)
    async with api.app.state.sessionmaker() as session, session.begin():
        session.add(
            IdempotencyRecord(
                principal_sub=me.sub,
                key=key,
                fingerprint=fingerprint,
                state="in_flight",
                owner="dead" * 8,
                locked_until=datetime.now(UTC) - timedelta(seconds=1),
                created_at=datetime.now(UTC) - timedelta(minutes=1),
            )
        )
    retry = await me.post("/v1/people", content=body, headers=headers)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    again = await me.post("/v1/people", content=body, headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == retry.json()["id"]
    assert len((await me.get("/v1/people", params={"team": team})).json()["items"]) == 1
