"""What generated clients need of the contract (issue 13), applied by `app.contract.apply`:
an example on every request body (app/openapi_examples.py), optional bodies that are not
nullable, and file parts a generator reads as files.

`make clients` generates the Python client and the TypeScript types from the result and
fails on any generator warning; tests/unit/test_contract_for_clients.py and
tests/unit/test_openapi_examples.py check what this module promises.
"""

from __future__ import annotations

import copy
from typing import Any

from app.openapi_examples import REQUEST_EXAMPLES, UPLOAD_EXAMPLE

METHODS = ("get", "put", "post", "patch", "delete")


def for_clients(doc: dict[str, Any]) -> None:
    """Every operation's body made generator-friendly and given its example (in place)."""
    _mark_binary_uploads(doc.get("components", {}).get("schemas", {}))
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                _optional_body(operation)
                _add_example(operation)


def _optional_body(operation: dict[str, Any]) -> None:
    """An optional body (`body: X | None = None`) is declared as X, not X-or-null: leaving
    the body out is what makes it optional, and generators given `anyOf: [X, null]` send
    their "unset" marker as the JSON body (openapi-python-client)."""
    body = operation.get("requestBody", {})
    media = body.get("content", {}).get("application/json")
    if body.get("required") or media is None:
        return
    members = media["schema"].get("anyOf", [])
    refs = [m for m in members if "$ref" in m]
    if len(members) == 2 and len(refs) == 1 and {"type": "null"} in members:
        media["schema"] = refs[0]


def _add_example(operation: dict[str, Any]) -> None:
    """The operation's example body (app/openapi_examples.py) on its request body."""
    content = operation.get("requestBody", {}).get("content", {})
    example = REQUEST_EXAMPLES.get(operation.get("operationId", ""))
    if "application/json" in content and example is not None:
        content["application/json"]["example"] = copy.deepcopy(example)
    if "multipart/form-data" in content:
        content["multipart/form-data"]["example"] = copy.deepcopy(UPLOAD_EXAMPLE)


def _mark_binary_uploads(schemas: dict[str, Any]) -> None:
    """An upload's file part is `contentMediaType: application/octet-stream` (OpenAPI 3.1);
    add `format: binary` too, which client generators read as a file (openapi-python-client
    would otherwise send it as a plain form field)."""
    for schema in schemas.values():
        for prop in schema.get("properties", {}).values():
            if prop.get("type") == "string" and "contentMediaType" in prop:
                prop.setdefault("format", "binary")
