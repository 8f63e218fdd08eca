"""Every plain date a request carries lies in 1900-01-01..2100-12-31 (422 validation_error
naming the field); dates at the edges of that range go through the real flows (placement
start, support allocation, reviews, casework, supervision, courtesy call, end) and no date
arithmetic answers 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.test_reviews import placed, record_body, reviews_of
from tests.support import Api, Caller, assert_problem, make_person, make_provider, unique_team
from tests.support_flow import contact_body, make_allocated, make_submitted

OUT_OF_RANGE = ("1899-12-31", "2101-01-01", "9999-12-31", "0001-01-01")
EDGES = ("1900-01-01", "2100-12-31")


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _is_date(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(spec, schema)
    options = schema.get("anyOf", [schema])
    return any(_resolve(spec, o).get("format") == "date" for o in options)


def body_date_fields(spec: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, field, the rest of the body) for every top-level date field of a JSON
    request body; for a union tagged by a discriminator (a review record per kind), the
    fields of each option, sent with its tag."""
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = _resolve(spec, content["application/json"]["schema"])
            for option in schema.get("anyOf", []):  # an optional body: {...} | null
                if _resolve(spec, option).get("properties"):
                    schema = _resolve(spec, option)
            tag = schema.get("discriminator", {}).get("propertyName")
            options = [_resolve(spec, o) for o in schema.get("oneOf", [])] or [schema]
            for option in options:
                extra: dict[str, Any] = {}
                if tag is not None:
                    prop = option["properties"][tag]
                    extra = {tag: prop.get("const", (prop.get("enum") or [None])[0])}
                for name, prop in option.get("properties", {}).items():
                    if _is_date(spec, prop):
                        found.append((method, path, name, extra))
    return found


def query_date_params(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["in"] == "query" and _is_date(spec, param["schema"]):
                    found.append((method, path, param["name"]))
    return found


async def test_every_body_and_query_date_outside_1900_2100_is_a_422(api: Api) -> None:
    spec = (await api.http.get("/openapi.json")).json()
    fields = body_date_fields(spec)
    # the contract's date fields: if one is added, it is checked here too
    assert {f for _, _, f, _ in fields} >= {
        "date_of_birth", "requested_start", "available_from", "start_date", "end_date",
        "called_on", "allocated_on", "contact_on", "held_on", "next_review_on", "due_on", "date",
    }  # fmt: skip
    admin = api.as_("admin")
    for method, path, field, extra in fields:
        url = path
        for part in [p for p in path.split("/") if p.startswith("{")]:
            url = url.replace(part, str(uuid.uuid4()))
        for value in OUT_OF_RANGE:
            response = await getattr(admin, method)(url, json={**extra, field: value})
            problem = assert_problem(response, 422, "validation_error")
            locs = [e["loc"] for e in problem["errors"]]
            # a tagged union names the option too: ["body", "cla", "held_on"]
            assert any(loc[0] == "body" and loc[-1] == field for loc in locs), (
                method,
                path,
                field,
                value,
                locs,
            )
    queries = query_date_params(spec)
    assert ("get", "/v1/panels", "from") in queries
    for _, path, name in queries:
        for value in OUT_OF_RANGE:
            response = await admin.get(path, params={name: value})
            problem = assert_problem(response, 422, "validation_error")
            assert ["query", name] in [e["loc"] for e in problem["errors"]]


def no_500(response: Any) -> None:
    assert response.status_code < 500, response.text


@pytest.mark.parametrize("edge", EDGES)
async def test_edge_dates_through_the_placement_and_review_flow_never_500(
    api: Api, edge: str
) -> None:
    team = unique_team()
    # dob, requested start and vacancy dates at the edge
    no_500(await api.as_("practitioner", teams=[team]).post(
        "/v1/people",
        json={"given_name": "A", "family_name": "B", "date_of_birth": edge, "cohort": "child",
              "team": team},
    ))  # fmt: skip
    person = await make_person(api, team)
    no_500(await api.as_("practitioner", teams=[team]).post(
        "/v1/referrals",
        json={"person_id": person["id"], "urgency": "planned", "service": "foster_care",
              "needs": "A home.", "requested_start": edge},
    ))  # fmt: skip
    provider = await make_provider(api)
    no_500(await api.as_("placements_officer", teams=["placements"]).post(
        f"/v1/providers/{provider['id']}/vacancies", json={"available_from": edge}
    ))  # fmt: skip
    # a placement that starts on the edge date: its reviews are scheduled from it
    placement = await placed(api, team, start_date=edge)
    reviewer = api.as_("reviewer")
    for review in await reviews_of(api, placement["id"]):
        url = f"/v1/reviews/{review['id']}/record"
        body = record_body(
            edge,
            ["x"],
            kind=review["kind"],
            new_actions=[{"description": "Edge", "owner": "x", "due_on": edge}],
        )
        no_500(await reviewer.post(url, json={**body, "next_review_on": edge}))
        no_500(await reviewer.post(url, json=body))
    officer = api.as_("placements_officer", teams=["placements"])
    manager = api.as_("placements_manager", teams=["placements"])
    no_500(await manager.post(
        f"/v1/placements/{placement['id']}/reviews",
        json={"kind": "qa_visit", "reason": "Edge", "due_on": edge},
    ))  # fmt: skip
    no_500(await officer.post(
        f"/v1/placements/{placement['id']}/courtesy-call", json={"called_on": edge}
    ))  # fmt: skip
    no_500(await officer.post(f"/v1/placements/{placement['id']}/end",
                              json={"end_date": edge, "reason": "Edge"}))  # fmt: skip


@pytest.mark.parametrize("edge", EDGES)
async def test_edge_dates_through_support_casework_and_supervision_never_500(
    api: Api, edge: str
) -> None:
    team = unique_team()
    request = await make_submitted(api, team)
    supervisor = api.as_("practice_supervisor", teams=[team])
    worker: Caller = api.as_("support_worker", teams=[team])
    no_500(await supervisor.post(
        f"/v1/support-requests/{request['id']}/decision",
        json={"allocated": True, "allocated_on": edge, "support_worker": worker.sub},
    ))  # fmt: skip
    support = await make_allocated(api, team, allocated_on=edge)
    no_500(await support.worker.post(
        f"/v1/casework-episodes/{support.episode['id']}/contacts", json=contact_body(1, edge)
    ))  # fmt: skip
    no_500(await support.supervisor.post(
        f"/v1/supervisions/{support.supervision['id']}/record",
        json={"held_on": edge, "notes": "Edge"},
    ))  # fmt: skip
