"""Batch upsert of people by external id (issue 13): per-item results in input order,
one bad item never stops the others, at most 500 items, integration and admin only."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import Api, assert_problem, person_body, unique_team


def _item(team: str, external_id: str, **overrides: Any) -> dict[str, Any]:
    return {**person_body(team, **overrides), "external_id": external_id}


async def test_mixed_batch(api: Api) -> None:
    team, other_team = unique_team(), unique_team()
    integration = api.as_("integration")
    system = "mosaic"
    ids = [f"B{uuid.uuid4().hex[:10]}" for _ in range(4)]
    first = await integration.post(
        f"/v1/people/external/{system}",
        json={
            "items": [_item(team, ids[0], given_name="Kai", family_name="Lee"), _item(team, ids[1])]
        },
    )
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["items"]] == ["created", "created"]
    kai_id = first.json()["items"][0]["id"]
    unchanged = first.json()["items"][1]["id"]
    unchanged_body = (await integration.get(f"/v1/people/{unchanged}")).json()
    head = (await api.as_("admin").get("/v1/events/head")).json()["cursor"]

    items = [
        _item(team, ids[2], nhs_number="9434765919", external_ids={"nhs_spine": ids[2]}),
        {"external_id": ids[3], "given_name": "No rest"},  # invalid: fields missing
        _item(other_team, ids[0], given_name="Kai", family_name="Lee"),  # updated: team moves
        {
            **{k: unchanged_body[k] for k in ("given_name", "family_name", "cohort", "team")},
            "date_of_birth": unchanged_body["date_of_birth"],
            "external_id": ids[1],
        },
        _item(team, ids[3], nhs_number="9434765918"),  # invalid NHS number
        _item(team, ids[2]),  # the same id twice in one batch
        "not an object",
    ]
    response = await integration.post(f"/v1/people/external/{system}", json={"items": items})
    assert response.status_code == 422, response.text  # the body holds objects only
    items.pop()
    response = await integration.post(f"/v1/people/external/{system}", json={"items": items})
    assert response.status_code == 200, response.text
    results = response.json()["items"]
    assert [r["status"] for r in results] == [
        "created",
        "invalid",
        "updated",
        "unchanged",
        "invalid",
        "invalid",
    ]
    assert [r["external_id"] for r in results] == [ids[2], ids[3], ids[0], ids[1], ids[3], ids[2]]
    assert results[1]["problem"]["code"] == "validation_error"
    assert {tuple(e["loc"]) for e in results[1]["problem"]["errors"]} >= {
        ("family_name",),
        ("date_of_birth",),
    }
    assert "nhs_number" in str(results[4]["problem"]["errors"])
    assert results[2]["id"] == kai_id and results[3]["id"] == unchanged
    assert "id" not in results[1] or results[1]["id"] is None

    created = (await integration.get(f"/v1/people/{results[0]['id']}")).json()
    assert created["external_ids"] == {"mosaic": ids[2], "nhs_spine": ids[2]}
    assert created["nhs_number"] == "9434765919"
    moved = (await integration.get(f"/v1/people/{kai_id}")).json()
    assert moved["team"] == other_team and moved["version"] == 2
    assert (await integration.get(f"/v1/people/{unchanged}")).json()["version"] == 1
    found = await integration.get("/v1/people", params={"external_id": f"mosaic:{ids[2]}"})
    assert [p["id"] for p in found.json()["items"]] == [results[0]["id"]]

    # one event per created or updated person, none for unchanged or invalid ones; the
    # team change moves the person's records as a PATCH does (person.transferred)
    feed = await api.as_("admin").get(
        "/v1/events", params={"after": head, "subject_type": "person", "limit": 200}
    )
    mine = [
        (e["type"], e["subject"]["id"])
        for e in feed.json()["items"]
        if e["subject"]["id"] in {results[0]["id"], kai_id, unchanged}
    ]
    assert sorted(mine) == sorted(
        [
            ("person.created", results[0]["id"]),
            ("person.updated", kai_id),
            ("person.transferred", kai_id),
        ]
    )
    updated = next(
        e
        for e in feed.json()["items"]
        if e["subject"]["id"] == kai_id and e["type"] == "person.updated"
    )
    assert updated["data"]["changed"] == ["team"]

    # an id of another system that belongs to someone else: that item only is refused
    again = await integration.post(
        f"/v1/people/external/{system}",
        json={
            "items": [
                _item(team, f"C{uuid.uuid4().hex[:8]}", external_ids={"nhs_spine": ids[2]}),
                _item(team, f"C{uuid.uuid4().hex[:8]}"),
            ]
        },
    )
    assert [r["status"] for r in again.json()["items"]] == ["invalid", "created"]
    assert again.json()["items"][0]["problem"]["code"] == "external_id_taken"


async def test_batch_limit_and_roles(api: Api) -> None:
    team = unique_team()
    integration = api.as_("integration")
    too_many = {"items": [_item(team, f"L{n}") for n in range(501)]}
    assert_problem(
        await integration.post("/v1/people/external/mosaic", json=too_many),
        422,
        "validation_error",
    )
    assert_problem(
        await integration.post("/v1/people/external/mosaic", json={"items": []}),
        422,
        "validation_error",
    )
    assert_problem(
        await integration.post("/v1/people/external/Bad System", json={"items": [{}]}),
        422,
        "validation_error",
    )
    full = {"items": [_item(team, f"F{uuid.uuid4().hex[:8]}-{n}") for n in range(500)]}
    response = await api.as_("admin").post("/v1/people/external/mosaic", json=full)
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["items"]} == {"created"}
    for role in ["practitioner", "placements_officer", "placements_manager"]:
        caller = api.as_(role, teams=[team])
        assert_problem(
            await caller.post("/v1/people/external/mosaic", json={"items": [_item(team, "X1")]}),
            403,
            "forbidden",
        )
