"""Every request body in the contract has an example (app/openapi_examples.py), and each
is a body the service accepts: valid against its schema in the contract and against the
route's own model (which also runs the checks a schema cannot say, e.g. the NHS number's
check digit or a cost breakdown that sums to the weekly cost)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel

import app.schemas
from app.main import create_app
from app.openapi_examples import REQUEST_EXAMPLES
from app.settings import Settings


@cache
def _app() -> Any:
    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))


@cache
def _doc() -> dict[str, Any]:
    return dict(_app().openapi())


def _bodies() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for item in _doc()["paths"].values():
        for operation in item.values():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                out.append((operation["operationId"], media_type, content))
    return out


@cache
def _models() -> dict[str, type[BaseModel]]:
    """The request models by name, as the contract names their schemas."""
    out: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(app.schemas.__path__):
        module = importlib.import_module(f"app.schemas.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                out[value.__name__] = value
    return out


def _model_for(schema: dict[str, Any], example: dict[str, Any]) -> type[BaseModel]:
    """The model of a body schema: its `$ref`, an optional body's `$ref`, or the member
    of a discriminated union the example's discriminator picks."""
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if "$ref" in s)
    if "discriminator" in schema:
        discriminator = schema["discriminator"]
        schema = {"$ref": discriminator["mapping"][example[discriminator["propertyName"]]]}
    return _models()[schema["$ref"].rsplit("/", 1)[-1]]


def test_every_request_body_has_an_example() -> None:
    missing = [(op, media) for op, media, content in _bodies() if "example" not in content]
    assert missing == []


def test_every_example_names_an_operation_with_a_json_body() -> None:
    with_json = {op for op, media, _ in _bodies() if media == "application/json"}
    assert set(REQUEST_EXAMPLES) - with_json == set()


@pytest.mark.parametrize("operation_id", sorted(REQUEST_EXAMPLES))
def test_example_is_valid_against_its_schema_in_the_contract(operation_id: str) -> None:
    (content,) = [c for op, m, c in _bodies() if op == operation_id and m == "application/json"]
    schema = {**content["schema"], "components": _doc()["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(content["example"])]
    assert errors == []


@pytest.mark.parametrize("operation_id", sorted(REQUEST_EXAMPLES))
def test_example_is_accepted_by_the_routes_model(operation_id: str) -> None:
    (content,) = [c for op, m, c in _bodies() if op == operation_id and m == "application/json"]
    example = REQUEST_EXAMPLES[operation_id]
    _model_for(content["schema"], example).model_validate(example)


def test_the_validation_can_fail() -> None:
    content = next(c for op, m, c in _bodies() if op == "create_referral")
    schema = {**content["schema"], "components": _doc()["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    assert not validator.is_valid({**content["example"], "urgency": "soon"})
    assert not validator.is_valid({**content["example"], "requested_start": "6 April"})


@pytest.mark.parametrize("event_type", sorted(_doc()["webhooks"]))
def test_webhook_delivery_example_is_valid_against_its_schema(event_type: str) -> None:
    content = _doc()["webhooks"][event_type]["post"]["requestBody"]["content"]
    media = content["application/json"]
    schema = {**media["schema"], "components": _doc()["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(media["example"])]
    assert errors == []
    assert media["example"]["type"] == event_type
    data = media["example"]["data"]
    if "from" in data:
        assert data["from"] != data["to"], "a change's example moves from one status to another"
