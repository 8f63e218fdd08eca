"""The committed contract is what the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import Api

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


async def test_served_openapi_equals_committed_contract(api: Api) -> None:
    response = await api.http.get("/openapi.json")
    assert response.status_code == 200
    committed = json.loads(CONTRACT.read_text())
    assert response.json() == committed, "run `make openapi` and commit openapi/openapi.json"


async def test_every_v1_operation_has_a_stable_id_and_problem_responses(api: Api) -> None:
    doc = (await api.http.get("/openapi.json")).json()
    ids = []
    for path, item in doc["paths"].items():
        assert path.startswith("/v1/"), path
        for method, op in item.items():
            ids.append(op["operationId"])
            assert "401" in op["responses"], (method, path)
            for code, resp in op["responses"].items():
                if code.startswith("4"):
                    assert "application/problem+json" in resp["content"], (method, path, code)
            if method == "post":
                assert any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
    assert len(ids) == len(set(ids))


async def test_docs_and_redoc_are_served_offline(api: Api) -> None:
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
    asset = await api.http.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    redoc = await api.http.get("/redoc")
    assert redoc.status_code == 200 and "/docs/assets/redoc.standalone.js" in redoc.text
    assert (await api.http.get("/docs/assets/redoc.standalone.js")).status_code == 200
