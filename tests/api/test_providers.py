"""Providers and vacancies over HTTP."""

from __future__ import annotations

import uuid

from tests.support import Api, assert_problem, make_provider, make_vacancy


async def test_provider_create_read_patch(api: Api) -> None:
    officer = api.as_("placements_officer")
    provider = await make_provider(
        api, on_emergency_rota=True, external=True, email="carer@example.org"
    )
    assert provider["service"] == "foster_care" and provider["on_emergency_rota"] is True
    assert provider["external"] is True and provider["active"] is True
    url = f"/v1/providers/{provider['id']}"
    got = await api.as_("support_worker", teams=["x"]).get(url)
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    patched = await officer.patch(
        url, json={"on_emergency_rota": False}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200 and patched.json()["on_emergency_rota"] is False
    assert_problem(
        await officer.patch(url, json={"name": "x"}, headers={"If-Match": '"1"'}),
        412,
        "precondition_failed",
    )
    assert_problem(
        await officer.patch(url, json={"service": "residential"}), 422, "validation_error"
    )
    assert_problem(
        await officer.patch(url, json={"email": "not-an-email"}), 422, "validation_error"
    )


async def test_provider_roles(api: Api) -> None:
    body = {"name": "Oak House", "service": "residential", "team": "placements"}
    assert_problem(
        await api.as_("practitioner", teams=["t"]).post("/v1/providers", json=body),
        403,
        "forbidden",
    )
    assert (await api.as_("placements_manager").post("/v1/providers", json=body)).status_code == 201
    assert_problem(
        await api.as_("admin").post("/v1/providers", json={**body, "service": "hotel"}),
        422,
        "validation_error",
    )


async def test_provider_filters(api: Api) -> None:
    marker = uuid.uuid4().hex[:8]
    rota = await make_provider(api, name=f"Rota {marker}", on_emergency_rota=True)
    await make_provider(api, name=f"Home {marker}", service="residential")
    me = api.as_("placements_officer")
    found = (
        await me.get("/v1/providers", params={"q": marker, "on_emergency_rota": "true"})
    ).json()
    assert [p["id"] for p in found["items"]] == [rota["id"]]
    homes = (await me.get("/v1/providers", params={"q": marker, "service": "residential"})).json()
    assert [p["name"] for p in homes["items"]] == [f"Home {marker}"]


async def test_vacancies(api: Api) -> None:
    provider = await make_provider(api)
    vacancy = await make_vacancy(
        api, provider["id"], label="Bedroom 2", available_from="2026-12-01"
    )
    assert vacancy["status"] == "open" and vacancy["provider_id"] == provider["id"]
    officer = api.as_("placements_officer")
    listed = (await officer.get(f"/v1/providers/{provider['id']}/vacancies")).json()["items"]
    assert [v["id"] for v in listed] == [vacancy["id"]]
    assert (
        await officer.get(f"/v1/providers/{provider['id']}/vacancies", params={"status": "held"})
    ).json()["items"] == []
    url = f"/v1/vacancies/{vacancy['id']}"
    assert (await officer.patch(url, json={"label": "Bedroom 3"})).json()["label"] == "Bedroom 3"
    assert_problem(await officer.patch(url, json={"status": "filled"}), 422, "validation_error")
    assert_problem(
        await officer.post(f"/v1/providers/{uuid.uuid4()}/vacancies", json={"label": "x"}),
        404,
        "not_found",
    )
    assert_problem(
        await api.as_("practitioner", teams=["t"]).patch(url, json={"label": "y"}), 403, "forbidden"
    )
