"""The committed contract is what the app serves, and it declares every error, header and
summary (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.contract import CODES, CREATED_WITHOUT_URL, OPERATIONS
from tests.support import Api, declared_problem_codes

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
PROBLEM = "application/problem+json"


async def _doc(api: Api) -> dict[str, Any]:
    response = await api.http.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
    ]


def _schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return dict(doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]) if ref else schema


def _headers(doc: dict[str, Any], response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, header in response.get("headers", {}).items():
        if "$ref" in header:
            header = doc["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
        out[name] = header
    return out


async def test_served_openapi_equals_committed_contract(api: Api) -> None:
    committed = json.loads(CONTRACT.read_text())
    assert await _doc(api) == committed, "run `make openapi` and commit openapi/openapi.json"


async def test_every_v1_operation_has_a_stable_id_and_problem_responses(api: Api) -> None:
    doc = await _doc(api)
    ids = []
    for path, method, op in _operations(doc):
        assert path.startswith("/v1/"), path
        ids.append(op["operationId"])
        for status in ("401", "403", "405", "422", "429", "500"):
            assert status in op["responses"], (method, path, status)
        if method == "post":
            assert any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
    assert len(ids) == len(set(ids))


async def test_every_error_is_a_problem_schema_with_an_enum_of_its_codes(api: Api) -> None:
    doc = await _doc(api)
    assert "ProblemBody" not in doc["components"]["schemas"]
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code", "rule", "request_id", "errors"} <= set(
        problem["properties"]
    )
    assert problem["additionalProperties"] is True
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            if not status.startswith(("4", "5")):
                continue
            where = (method, path, status)
            assert list(response["content"]) == [PROBLEM], where  # no application/json twin
            schema = _schema(doc, response["content"][PROBLEM]["schema"])
            assert schema["allOf"][0] == {"$ref": "#/components/schemas/Problem"}, where
            codes = schema["allOf"][1]["properties"]["code"]["enum"]
            assert codes and all(CODES[c].status == int(status) for c in codes), where
        declared = declared_problem_codes(doc, op)
        assert "internal_error" in declared[500]
        assert "rate_limited" in declared[429]
        if "requestBody" in op:
            assert "malformed_body" in declared[400], (method, path)
        if any(p["name"] == "If-Match" for p in op.get("parameters", [])):
            assert "precondition_failed" in declared[412], (method, path)


async def test_rule_codes_are_declared_where_the_rule_is_enforced(api: Api) -> None:
    doc = await _doc(api)
    ops = {op["operationId"]: op for _, _, op in _operations(doc)}
    assert (
        "casework_checkpoint_due" in declared_problem_codes(doc, ops["add_casework_contact"])[409]
    )
    assert {"follow_ups_outstanding", "arranging_support_outstanding", "invalid_transition"} <= (
        declared_problem_codes(doc, ops["close_referral"])[409]
    )
    assert "idempotency_key_in_use" in declared_problem_codes(doc, ops["submit_referral"])[409]
    assert "idempotency_key_reused" in declared_problem_codes(doc, ops["submit_referral"])[422]
    assert 409 not in declared_problem_codes(doc, ops["get_referral"])
    component = doc["components"]["schemas"]["AddCaseworkContactConflict"]
    assert "`casework_checkpoint_due` (R9)" in component["description"]


async def test_response_headers_are_declared(api: Api) -> None:
    doc = await _doc(api)
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            headers = _headers(doc, response)
            where = (method, path, status)
            assert headers["X-Request-ID"]["required"] is True, where
            for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                assert name in headers, where
            if status == "201" and op["operationId"] not in CREATED_WITHOUT_URL:
                assert headers["Location"]["required"] is True, where
            if method == "post" and int(status) < 500:
                assert "Idempotent-Replayed" in headers, where
            if status == "429":
                assert headers["Retry-After"]["required"] is True, where
            if status == "401":
                assert "WWW-Authenticate" in headers, where
            if status == "405":
                assert "Allow" in headers, where
    referral = doc["paths"]["/v1/referrals/{referral_id}"]
    assert "ETag" in _headers(doc, referral["get"]["responses"]["200"])
    assert "ETag" in _headers(doc, referral["patch"]["responses"]["200"])
    assert "Link" in _headers(doc, doc["paths"]["/v1/referrals"]["get"]["responses"]["200"])
    assert "ETag" not in _headers(doc, doc["paths"]["/v1/referrals"]["get"]["responses"]["200"])


async def test_every_operation_has_a_human_summary(api: Api) -> None:
    doc = await _doc(api)
    seen = set()
    for path, method, op in _operations(doc):
        generated = op["operationId"].replace("_", " ").title()
        assert op.get("summary") and op["summary"] != generated, (method, path, op.get("summary"))
        assert op["summary"][0].isupper() and not op["summary"].endswith("."), op["summary"]
        seen.add(op["operationId"])
    assert seen == set(OPERATIONS), "app/contract.py OPERATIONS names every operation"


async def test_docs_and_redoc_are_served_offline(api: Api) -> None:
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
    asset = await api.http.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    redoc = await api.http.get("/redoc")
    assert redoc.status_code == 200 and "/docs/assets/redoc.standalone.js" in redoc.text
    assert (await api.http.get("/docs/assets/redoc.standalone.js")).status_code == 200
    # Nothing from elsewhere: no fonts, no validator badge (Swagger UI's default sends the
    # contract's URL to validator.swagger.io)
    for page in (docs, redoc):
        assert "http://" not in page.text and "https://" not in page.text
    assert '"validatorUrl": null' in docs.text
