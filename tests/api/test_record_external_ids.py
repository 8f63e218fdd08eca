"""External ids of providers (issue 13): in create bodies and reads, set only by
integration and admin, the upsert by external id and `?external_id=` on the list."""

from __future__ import annotations

import uuid

from tests.support import Api, assert_problem


def _provider(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": f"Carer {uuid.uuid4().hex[:6]}",
        "service": "foster_care",
        "team": "placements",
    }
    body.update(overrides)
    return body


async def test_provider_external_ids_and_upsert(api: Api) -> None:
    officer, admin, integration = (
        api.as_("placements_officer"),
        api.as_("admin"),
        api.as_("integration"),
    )
    value = f"P{uuid.uuid4().hex[:8]}"
    assert_problem(
        await officer.post("/v1/providers", json=_provider(external_ids={"mosaic": value})),
        403,
        "forbidden",
    )
    made = await admin.post("/v1/providers", json=_provider(external_ids={"mosaic": value}))
    assert made.status_code == 201, made.text
    assert made.json()["external_ids"] == {"mosaic": value}
    got = await officer.get(f"/v1/providers/{made.json()['id']}")
    assert got.json()["external_ids"] == {"mosaic": value}
    listed = await officer.get("/v1/providers", params={"external_id": f"mosaic:{value}"})
    assert [p["id"] for p in listed.json()["items"]] == [made.json()["id"]]
    assert_problem(
        await officer.get("/v1/providers", params={"external_id": "nocolon"}),
        422,
        "validation_error",
    )
    # unique per system (and kind)
    assert_problem(
        await admin.post("/v1/providers", json=_provider(external_ids={"mosaic": value})),
        409,
        "external_id_taken",
    )

    other = f"P{uuid.uuid4().hex[:8]}"
    url = f"/v1/providers/external/mosaic/{other}"
    assert_problem(await officer.put(url, json=_provider()), 403, "forbidden")
    body = _provider(ofsted_urn="SC123456")
    first = await integration.put(url, json=body)
    assert first.status_code == 201, first.text
    assert first.headers["location"].endswith(f"/v1/providers/{first.json()['id']}")
    assert first.json()["external_ids"] == {"mosaic": other}
    same = await integration.put(url, json=body)
    assert same.status_code == 200 and same.json()["version"] == 1
    changed = await integration.put(url, json={**body, "name": "Renamed carer"})
    assert changed.status_code == 200
    assert changed.json()["id"] == first.json()["id"]
    assert changed.json()["name"] == "Renamed carer" and changed.json()["version"] == 2
    assert_problem(
        await integration.put(url, json={**body, "external_ids": {"mosaic": "else"}}),
        422,
        "validation_error",
    )


async def test_provider_patch_links_external_ids_and_an_upsert_records_a_new_one(
    api: Api,
) -> None:
    officer, admin, integration = (
        api.as_("placements_officer"),
        api.as_("admin"),
        api.as_("integration"),
    )
    one = (await officer.post("/v1/providers", json=_provider())).json()
    two = (await officer.post("/v1/providers", json=_provider())).json()
    url = f"/v1/providers/{one['id']}"
    value = f"P{uuid.uuid4().hex[:8]}"
    assert_problem(
        await officer.patch(url, json={"external_ids": {"mosaic": value}}), 403, "forbidden"
    )
    patched = await admin.patch(url, json={"external_ids": {"mosaic": value}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["external_ids"] == {"mosaic": value}
    assert patched.json()["version"] == 2
    assert_problem(
        await admin.patch(f"/v1/providers/{two['id']}", json={"external_ids": {"mosaic": value}}),
        409,
        "external_id_taken",
    )
    # the upsert that links a second system's id is a change (a new version, one event)
    body = {k: one[k] for k in ("name", "service", "team")}
    upsert = f"/v1/providers/external/mosaic/{value}"
    same = await integration.put(upsert, json=body)
    assert same.status_code == 200 and same.json()["version"] == 2
    linked = await integration.put(upsert, json={**body, "external_ids": {"carefirst": "C9"}})
    assert linked.status_code == 200, linked.text
    assert linked.json()["external_ids"] == {"mosaic": value, "carefirst": "C9"}
    assert linked.json()["version"] == 3
    events = await admin.get("/v1/events", params={"subject_id": one["id"], "limit": 200})
    assert [(e["type"], e["data"].get("changed")) for e in events.json()["items"]] == [
        ("provider.created", None),
        ("provider.updated", ["external_ids"]),
        ("provider.updated", ["external_ids"]),
    ]
