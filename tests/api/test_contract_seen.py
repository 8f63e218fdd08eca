"""The suite-wide check (tests/conftest.py): every problem and header a test sees is one
the contract declares. These tests show the recorder sees responses and the check fails."""

from __future__ import annotations

import json
import uuid

from tests import support
from tests.api.test_contract import CONTRACT
from tests.support import Api, assert_problem


async def test_the_recorder_sees_problems_and_headers_by_operation(api: Api) -> None:
    me = api.as_("admin")
    missing = await me.get(f"/v1/referrals/{uuid.uuid4()}")
    assert_problem(missing, 404, "not_found")
    assert ("get_referral", 404, "not_found") in support.PROBLEMS_SEEN
    deleted = await me.http.delete(f"/v1/referrals/{uuid.uuid4()}", headers=me.headers)
    assert_problem(deleted, 405, "method_not_allowed")
    assert ("DELETE /v1/referrals/{referral_id}", 405, "method_not_allowed") in (
        support.PROBLEMS_SEEN
    )
    listed = await me.get("/v1/referrals")
    assert listed.status_code == 200
    assert any(op == "list_referrals" for op, _ in support.RESPONSES_SEEN)


def test_an_undeclared_code_or_header_is_a_breach() -> None:
    contract = json.loads(CONTRACT.read_text())
    fakes = [
        (support.PROBLEMS_SEEN, ("get_referral", 409, "invalid_transition"), "GET /v1/x"),
        (support.PROBLEMS_SEEN, ("PUT /v1/referrals", 405, "made_up"), "PUT /v1/referrals"),
    ]
    for table, key, where in fakes:
        table[key] = where
    seen = support.RESPONSES_SEEN.setdefault(("list_referrals", 200), set())
    seen.add("etag,x-request-id")
    support.HEADERS_SEEN[("list_referrals", 200, "etag")] = "GET /v1/referrals"
    try:
        breaches = support.contract_breaches(contract)
    finally:
        for table, key, _ in fakes:
            table.pop(key, None)
        seen.discard("etag,x-request-id")
        support.HEADERS_SEEN.pop(("list_referrals", 200, "etag"), None)
    assert "get_referral: 409 invalid_transition (seen on GET /v1/x)" in breaches
    assert "list_referrals: 405 made_up (seen on PUT /v1/referrals)" in breaches
    assert "create_referral: 405 made_up (seen on PUT /v1/referrals)" in breaches
    assert any(b.startswith("list_referrals: 200 sends etag") for b in breaches)
