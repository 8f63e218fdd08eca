"""External ids of placements (issue 13): in reads, the confirm body and PATCH (integration
and admin only, on top of a placements role), unique per system among placements, and
`?external_id=` on the list."""

from __future__ import annotations

import uuid
from typing import Any

from tests.pathway import days_from_today, make_referral, officer
from tests.support import Api, Caller, assert_problem, make_provider, unique_team


def _mosaic() -> str:
    return f"PL{uuid.uuid4().hex[:10]}"


def linked_officer(api: Api) -> Caller:
    """A placements officer who is also the council's integration: the kind of caller that
    both confirms placements and sets external ids."""
    return api.as_("placements_officer", "integration", teams=["placements"])


async def _emergency(api: Api, team: str) -> dict[str, Any]:
    """A confirm body: an emergency referral, in matching, and an emergency-rota carer (R2)."""
    referral = await make_referral(api, team, urgency="emergency")
    assert referral["status"] == "matching"
    provider = await make_provider(api, on_emergency_rota=True)
    return {
        "referral_id": referral["id"],
        "provider_id": provider["id"],
        "start_date": days_from_today(0),
    }


async def _confirm(caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
    response = await caller.post("/v1/placements", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_placement_external_ids_on_confirm_reads_and_the_list_filter(api: Api) -> None:
    team = unique_team()
    value = _mosaic()
    body = await _emergency(api, team)
    assert_problem(
        await officer(api).post("/v1/placements", json={**body, "external_ids": {"mosaic": value}}),
        403,
        "forbidden",
    )
    placement = await _confirm(linked_officer(api), {**body, "external_ids": {"mosaic": value}})
    assert placement["external_ids"] == {"mosaic": value}

    practitioner = api.as_("practitioner", teams=[team])
    got = await practitioner.get(f"/v1/placements/{placement['id']}")
    assert got.status_code == 200 and got.json()["external_ids"] == {"mosaic": value}
    listed = await practitioner.get("/v1/placements", params={"person_id": placement["person_id"]})
    assert [p["external_ids"] for p in listed.json()["items"]] == [{"mosaic": value}]
    by_id = await api.as_("integration").get(
        "/v1/placements", params={"external_id": f"mosaic:{value}"}
    )
    assert [p["id"] for p in by_id.json()["items"]] == [placement["id"]]
    # the filter keeps the caller's scope: another team's practitioner finds nothing
    outsider = api.as_("practitioner", teams=[unique_team()])
    hidden = await outsider.get("/v1/placements", params={"external_id": f"mosaic:{value}"})
    assert hidden.status_code == 200 and hidden.json()["items"] == []
    assert_problem(
        await practitioner.get("/v1/placements", params={"external_id": "mosaic:"}),
        422,
        "validation_error",
    )

    # unique per system among placements: a second placement may not take it, and the
    # refused confirmation leaves its referral as it was
    second = await _emergency(api, team)
    assert_problem(
        await linked_officer(api).post(
            "/v1/placements", json={**second, "external_ids": {"mosaic": value}}
        ),
        409,
        "external_id_taken",
    )
    referral = await officer(api).get(f"/v1/referrals/{second['referral_id']}")
    assert referral.json()["status"] == "matching"
    plain = await _confirm(officer(api), second)
    assert plain["external_ids"] == {}


async def test_placement_patch_links_external_ids(api: Api) -> None:
    team = unique_team()
    one = await _confirm(officer(api), await _emergency(api, team))
    two = await _confirm(officer(api), await _emergency(api, team))
    url = f"/v1/placements/{one['id']}"
    value = _mosaic()
    assert_problem(
        await officer(api).patch(url, json={"external_ids": {"mosaic": value}}), 403, "forbidden"
    )
    assert_problem(
        await api.as_("practitioner", teams=[team]).patch(
            url, json={"external_ids": {"mosaic": value}}
        ),
        403,
        "forbidden",
    )
    cursor = (await api.as_("admin").get("/v1/events/head")).json()["cursor"]
    patched = await linked_officer(api).patch(url, json={"external_ids": {"mosaic": value}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["external_ids"] == {"mosaic": value}
    assert patched.json()["version"] == one["version"] + 1
    assert patched.headers["etag"] == f'"{one["version"] + 1}"'
    events = await api.as_("admin").get(
        "/v1/events", params={"after": cursor, "subject_id": one["id"], "limit": 200}
    )
    assert [(e["type"], e["data"]["changed"]) for e in events.json()["items"]] == [
        ("placement.updated", ["external_ids"])
    ]
    # with the planned end date in the same body
    both = await linked_officer(api).patch(
        url,
        json={"external_ids": {"carefirst": "C1"}, "planned_end_on": days_from_today(60)},
    )
    assert both.status_code == 200, both.text
    assert both.json()["external_ids"] == {"mosaic": value, "carefirst": "C1"}
    assert both.json()["planned_end_on"] == days_from_today(60)
    # another placement's id: 409
    assert_problem(
        await linked_officer(api).patch(
            f"/v1/placements/{two['id']}", json={"external_ids": {"mosaic": value}}
        ),
        409,
        "external_id_taken",
    )
    # an action's answer shows them too
    called = await officer(api).post(f"{url}/courtesy-call", json={})
    assert called.status_code == 200, called.text
    assert called.json()["external_ids"] == {"mosaic": value, "carefirst": "C1"}
