"""Property-based: schemathesis drives every operation of the contract with generated
input (valid and invalid) and the service never answers 5xx; every error is a problem,
and every response conforms to what the contract declares for it (status, media type,
headers, body: the checks outside suites run)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.pool import NullPool

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from tests import support
from tests.support import SECRET, token

_tmp = Path(tempfile.mkdtemp(prefix="placements-fuzz-"))
_url = f"sqlite+aiosqlite:///{_tmp / 'fuzz.db'}"
upgrade(_url)
_app = create_app(Settings(database_url=_url, jwt_secret=SECRET, files_dir=_tmp / "files"))
# Each schemathesis call may run on its own event loop: hold no pooled connections.
_app.state.engine.pool = NullPool(_app.state.engine.pool._creator)  # type: ignore[attr-defined]

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)
AUTH = {
    "Authorization": f"Bearer {token(['admin', 'placements_manager', 'practitioner'], ['fuzz'])}"
}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    response = case.call(headers=AUTH)
    assert response.status_code < 500, (case.method, case.path, response.text)
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        if isinstance(content_type, list):
            content_type = content_type[0]
        assert content_type.startswith("application/problem+json"), (case.method, case.path)
        code = response.json()["code"]
        assert code
        operation_id = str(case.operation.definition.raw.get("operationId"))
        support.PROBLEMS_SEEN.setdefault(
            (operation_id, response.status_code, code), f"{case.method} {case.path} (fuzz)"
        )
    case.validate_response(
        response,
        checks=[
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
