"""The contract is one generated clients can use (issue 13): each enum once, as a named
component schema; no component that is only a `$ref` to another (a generator emits
two models for it); a human summary on every operation; `GET /v1/policy` typed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any

from app.domain.policy import DOCUMENT_KINDS, Policy
from app.openapi import document
from app.schemas.system import PolicyRead

METHODS = ("get", "put", "post", "patch", "delete")


@cache
def _doc() -> dict[str, Any]:
    return document()


def _enums(node: Any, where: str) -> Iterator[tuple[frozenset[str], str]]:
    """Every enum of more than one value in the document, with where it is."""
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and len(values) > 1:
            yield frozenset(map(str, values)), where
        for key, value in node.items():
            yield from _enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{where}/{index}")


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for section in ("paths", "webhooks"):
        for path, item in doc.get(section, {}).items():
            for method in METHODS:
                if method in item:
                    yield path, method, item[method]


def test_each_set_of_enum_values_is_declared_once() -> None:
    doc = _doc()
    seen: dict[frozenset[str], list[str]] = defaultdict(list)
    for section in ("paths", "webhooks", "components"):
        for values, where in _enums(doc.get(section, {}), f"/{section}"):
            seen[values].append(where)
    twice = {tuple(sorted(values)): places for values, places in seen.items() if len(places) > 1}
    assert twice == {}, "one named enum schema per set of values, referred to by $ref"


def test_shared_enums_are_named_component_schemas() -> None:
    schemas = _doc()["components"]["schemas"]
    for name in ("Cohort", "ReferralStatus", "Urgency", "Service", "MatchStatus", "PanelKind"):
        assert schemas[name]["type"] == "string", name
        assert len(schemas[name]["enum"]) > 1, name
    assert schemas["PersonCreate"]["properties"]["cohort"] == {
        "$ref": "#/components/schemas/Cohort"
    }
    assert schemas["PersonRead"]["properties"]["cohort"] == {"$ref": "#/components/schemas/Cohort"}
    status = schemas["ReferralRead"]["properties"]["status"]
    assert status == {"$ref": "#/components/schemas/ReferralStatus"}


def test_no_component_schema_is_only_a_ref_to_another() -> None:
    for name, schema in _doc()["components"]["schemas"].items():
        assert set(schema) - {"title", "description"} != {"$ref"}, name
        if set(schema) <= {"title", "description", "allOf"}:
            assert len(schema.get("allOf", [])) != 1, name


def test_every_operation_has_a_human_summary() -> None:
    for path, method, operation in _operations(_doc()):
        summary = operation.get("summary", "")
        assert summary.strip(), (method, path)
        assert summary != operation["operationId"].replace("_", " ").title(), (method, path)


def test_get_policy_answers_the_named_policy_schema() -> None:
    response = _doc()["paths"]["/v1/policy"]["get"]["responses"]["200"]
    schema = response["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/PolicyRead"}
    policy_read = _doc()["components"]["schemas"]["PolicyRead"]
    assert set(policy_read["required"]) == set(policy_read["properties"])
    assert "document_kinds" in policy_read["properties"]
    assert policy_read["properties"]["casework_contacts_per_episode"]["type"] == "integer"


def test_policy_read_answers_what_the_route_answered_before() -> None:
    policy = Policy()
    before = {**policy.model_dump(mode="json"), "document_kinds": list(DOCUMENT_KINDS)}
    now = PolicyRead(**policy.model_dump(), document_kinds=list(DOCUMENT_KINDS))
    assert list(now.model_dump(mode="json").items()) == list(before.items())


def test_every_request_body_has_an_example() -> None:
    """The operations' bodies and the webhooks' deliveries alike."""
    for path, method, operation in _operations(_doc()):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            assert "example" in content, (method, path, media_type)


def test_optional_bodies_are_not_nullable_and_uploads_are_binary() -> None:
    """Generators send their "unset" marker for a body declared `anyOf: [X, null]`, and a
    file part without `format: binary` as a plain form field."""
    for path, method, operation in _operations(_doc()):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            schema = content["application/json"]["schema"]
            assert {"type": "null"} not in schema.get("anyOf", []), (method, path)
        if "multipart/form-data" in content:
            ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
            file_part = _doc()["components"]["schemas"][ref]["properties"]["file"]
            assert file_part["format"] == "binary", (method, path)
