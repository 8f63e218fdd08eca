"""Revision 2 refusals over HTTP, each with its code and rule: funding follows the match
(R6), inactive providers and end dates (R7), services by cohort (R20), admission documents
(R21), arranging support (R22), provider Ofsted URNs; and a supported living flow through
costings, the funding panel, confirmation, arranging support and close."""

from __future__ import annotations

from typing import Any

from tests.pathway import (
    ADMISSION_DOCUMENTS,
    accepted_match,
    approved_funding,
    confirm,
    days_from_today,
    make_referral,
    officer,
    planned_matched,
    provider_with_vacancy,
    to_assessing,
    upload_document,
)
from tests.support import Api, assert_problem, make_person, make_provider, unique_team


async def test_r6_request_must_name_the_accepted_match(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    proposed = await officer(api).post(
        f"/v1/referrals/{referral['id']}/matches",
        json={"provider_id": provider["id"], "vacancy_id": vacancy["id"]},
    )
    me = officer(api)
    body: dict[str, Any] = {"referral_id": referral["id"], "weekly_cost_pence": 100}
    assert_problem(await me.post("/v1/funding-requests", json=body), 422, "validation_error", "R6")
    not_yet = {**body, "match_id": proposed.json()["id"]}
    assert_problem(
        await me.post("/v1/funding-requests", json=not_yet), 409, "match_not_accepted", "R6"
    )
    other = await planned_matched(api, team)
    foreign = {**body, "match_id": other["match"]["id"]}
    assert_problem(
        await me.post("/v1/funding-requests", json=foreign), 409, "match_not_accepted", "R6"
    )


async def test_r6_cost_breakdown_must_sum_to_the_weekly_cost(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    body = {
        "referral_id": referral["id"],
        "match_id": match["id"],
        "weekly_cost_pence": 100_000,
        "cost_breakdown": {"core_pence": 90_000, "education_pence": 5_000},
    }
    me = officer(api)
    assert_problem(await me.post("/v1/funding-requests", json=body), 422, "validation_error", "R6")
    body["cost_breakdown"] = {"core_pence": 90_000, "education_pence": 10_000}
    created = await me.post("/v1/funding-requests", json={**body, "moving_on": "2027-01-04"})
    assert created.status_code == 201, created.text
    assert created.json()["cost_breakdown"]["education_pence"] == 10_000
    assert created.json()["moving_on"] == "2027-01-04"


async def test_r6_withdrawn_match_supersedes_its_approved_request(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    me = officer(api)
    listed = await me.get("/v1/funding-requests", params={"referral_id": ctx["referral"]["id"]})
    request = listed.json()["items"][0]
    assert request["status"] == "approved"
    assert (await me.post(f"/v1/matches/{ctx['match']['id']}/withdraw")).status_code == 200
    url = f"/v1/funding-requests/{request['id']}"
    assert (await me.get(url)).json()["status"] == "superseded"
    decided = await api.as_("team_manager").post(f"{url}/decision", json={"outcome": "approved"})
    assert_problem(decided, 409, "funding_superseded", "R6")
    # A new match needs its own approval before the placement (R6).
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, ctx["referral"]["id"], provider["id"], vacancy["id"])
    body = {
        "referral_id": ctx["referral"]["id"],
        "provider_id": provider["id"],
        "start_date": days_from_today(-1),
    }
    assert_problem(await me.post("/v1/placements", json=body), 409, "funding_not_approved", "R6")
    await approved_funding(api, ctx["referral"]["id"], match["id"])
    assert (await me.post("/v1/placements", json=body)).status_code == 201


async def test_r7_confirming_withdraws_the_other_open_matches(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    other, _ = await provider_with_vacancy(api)
    proposed = await officer(api).post(
        f"/v1/referrals/{ctx['referral']['id']}/matches", json={"provider_id": other["id"]}
    )
    await confirm(api, ctx, start_date=days_from_today(-1))
    got = await officer(api).get(f"/v1/matches/{proposed.json()['id']}")
    assert got.json()["status"] == "withdrawn"


async def test_r7_inactive_provider_cannot_be_matched_or_placed(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    me = officer(api)
    pid = ctx["provider"]["id"]
    patched = await me.patch(f"/v1/providers/{pid}", json={"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert_problem(
        await me.post(
            "/v1/placements",
            json={
                "referral_id": ctx["referral"]["id"],
                "provider_id": pid,
                "start_date": days_from_today(0),
            },
        ),
        409,
        "provider_inactive",
        "R7",
    )
    referral = await make_referral(api, unique_team())
    assert_problem(
        await me.post(f"/v1/referrals/{referral['id']}/matches", json={"provider_id": pid}),
        409,
        "provider_inactive",
        "R7",
    )


async def test_r7_end_in_the_future_is_422_and_planned_end_on_is_patched(api: Api) -> None:
    ctx = await planned_matched(api, unique_team())
    placement = await confirm(api, ctx, start_date=days_from_today(-3))
    url = f"/v1/placements/{placement['id']}"
    me = officer(api)
    assert_problem(
        await me.post(f"{url}/end", json={"end_date": days_from_today(1), "reason": "Move"}),
        422,
        "end_date_in_future",
        "R7",
    )
    planned = await me.patch(url, json={"planned_end_on": days_from_today(30)})
    assert planned.status_code == 200, planned.text
    assert planned.json()["planned_end_on"] == days_from_today(30)
    assert_problem(
        await api.as_("practitioner", teams=[ctx["referral"]["team"]]).patch(
            url, json={"planned_end_on": None}
        ),
        403,
        "forbidden",
    )
    ended = await me.post(f"{url}/end", json={"end_date": days_from_today(0), "reason": "Move"})
    assert ended.status_code == 200, ended.text


async def test_r20_services_by_cohort_and_age(api: Api) -> None:
    team = unique_team()
    me = api.as_("practitioner", teams=[team])
    adult = await make_person(api, team, cohort="adult", date_of_birth="1990-01-01")
    child = await make_person(api, team)
    young = await make_person(
        api, team, cohort="adult", date_of_birth=days_from_today(-(25 * 365 + 100))
    )
    base = {"urgency": "planned", "needs": "A home.", "requested_start": "2027-01-04"}
    for person, service in (
        (adult, "foster_care"),
        (adult, "residential"),
        (child, "shared_lives"),
        (child, "supported_living"),
        (young, "supported_living"),
    ):
        response = await me.post(
            "/v1/referrals", json={**base, "person_id": person["id"], "service": service}
        )
        assert_problem(response, 422, "service_not_for_person", "R20")
    for person, service in ((adult, "supported_living"), (young, "shared_lives")):
        response = await me.post(
            "/v1/referrals", json={**base, "person_id": person["id"], "service": service}
        )
        assert response.status_code == 201, response.text


async def test_r21_planned_residential_needs_admission_documents(api: Api) -> None:
    team = unique_team()
    referral = await make_referral(api, team, service="residential")
    provider, vacancy = await provider_with_vacancy(api, service="residential")
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    await approved_funding(api, referral["id"], match["id"])
    await upload_document(api, team, referral["id"], "placement_plan")
    body = {
        "referral_id": referral["id"],
        "provider_id": provider["id"],
        "start_date": days_from_today(0),
    }
    problem = assert_problem(
        await officer(api).post("/v1/placements", json=body),
        409,
        "admission_documents_missing",
        "R21",
    )
    assert problem["missing"] == ["cla_care_plan", "risk_assessment"]
    for kind in ADMISSION_DOCUMENTS[1:]:
        await upload_document(api, team, referral["id"], kind)
    assert (await officer(api).post("/v1/placements", json=body)).status_code == 201


async def test_providers_ofsted_urn(api: Api) -> None:
    for urn in ("123456", "1234567", "SC123456"):
        provider = await make_provider(api, service="residential", ofsted_urn=urn)
        assert provider["ofsted_urn"] == urn and provider["active"] is True
    me = api.as_("placements_officer")
    for bad in ("12345", "12345678", "XX123456", "SC"):
        response = await me.post(
            "/v1/providers",
            json={
                "name": "Home",
                "service": "residential",
                "team": "placements",
                "ofsted_urn": bad,
            },
        )
        assert_problem(response, 422, "validation_error")


async def test_r6_r22_supported_living_through_the_funding_panel_to_close(api: Api) -> None:
    team = unique_team()
    person = await make_person(api, team, cohort="adult", date_of_birth="1985-03-01")
    practitioner = api.as_("practitioner", teams=[team])
    referral = await make_referral(
        api, team, person_id=person["id"], service="supported_living", submit=True
    )
    rid = referral["id"]
    # The practice assurance panel (today) approves; its documents are accepted late.
    chair = api.as_("panel_member")
    me = officer(api)
    pa = await me.post(
        "/v1/panels", json={"kind": "practice_assurance", "date": days_from_today(0)}
    )
    booking = await practitioner.post(
        "/v1/panel-bookings", json={"referral_id": rid, "panel_id": pa.json()["id"]}
    )
    assert booking.status_code == 201, booking.text
    for kind in ("care_and_support_plan", "risk_assessment"):
        doc = await upload_document(api, team, rid, kind)
        attached = await chair.post(
            f"/v1/panel-bookings/{booking.json()['id']}/documents",
            json={"document_id": doc["id"], "accept_late": True},
        )
        assert attached.status_code == 200, attached.text
        # R3: a document counts once a team manager has quality-assured it.
        assured = await api.as_("team_manager", teams=[team]).post(
            f"/v1/documents/{doc['id']}/assure", json={}
        )
        assert assured.status_code == 200, assured.text
    decided = await chair.post(
        f"/v1/panel-bookings/{booking.json()['id']}/decision", json={"outcome": "approved"}
    )
    assert decided.status_code == 200, decided.text
    # Matching, an accepted vacancy, costings for the match.
    provider, vacancy = await provider_with_vacancy(api, service="supported_living")
    match = await accepted_match(api, rid, provider["id"], vacancy["id"])
    costings = await api.as_("admin").get("/v1/work", params={"subject_id": match["id"]})
    assert [(w["kind"], w["rule"]) for w in costings.json()["items"]] == [("costings", "R6")]
    created = await me.post(
        "/v1/funding-requests",
        json={"referral_id": rid, "match_id": match["id"], "weekly_cost_pence": 350_000},
    )
    fid = created.json()["id"]
    assert (await me.post(f"/v1/funding-requests/{fid}/submit")).status_code == 200
    costings = await api.as_("admin").get("/v1/work", params={"subject_id": match["id"]})
    assert costings.json()["items"] == []
    decide = f"/v1/funding-requests/{fid}/decision"
    # No funding panel booking yet; and a team manager never decides supported living.
    assert_problem(
        await chair.post(decide, json={"outcome": "approved"}), 409, "funding_panel_required", "R6"
    )
    future = await me.post("/v1/panels", json={"kind": "funding", "date": days_from_today(7)})
    booked = await practitioner.post(
        "/v1/panel-bookings",
        json={"referral_id": rid, "panel_id": future.json()["id"], "funding_request_id": fid},
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["funding_request_id"] == fid
    assert_problem(
        await chair.post(decide, json={"outcome": "approved"}), 409, "panel_not_yet_held", "R6"
    )
    assert_problem(
        await api.as_("team_manager").post(decide, json={"outcome": "approved"}),
        409,
        "funding_panel_required",
        "R6",
    )
    today = await me.post("/v1/panels", json={"kind": "funding", "date": days_from_today(0)})
    rebooked = await practitioner.post(
        "/v1/panel-bookings",
        json={"referral_id": rid, "panel_id": today.json()["id"], "funding_request_id": fid},
    )
    assert rebooked.status_code == 201, rebooked.text
    approved = await chair.post(decide, json={"outcome": "approved"})
    assert approved.status_code == 200, approved.text
    # Confirmation; arranging support is a work item until recorded (R22).
    placed = await me.post(
        "/v1/placements",
        json={"referral_id": rid, "provider_id": provider["id"], "start_date": days_from_today(0)},
    )
    assert placed.status_code == 201, placed.text
    pid = placed.json()["id"]
    assert placed.json()["arranging_support"] is None
    items = await api.as_("admin").get("/v1/work", params={"subject_id": pid})
    assert [(w["kind"], w["rule"], w["assignee"]) for w in items.json()["items"]] == [
        ("arranging_support", "R22", {"team": "placements"})
    ]
    assert_problem(
        await me.post(f"/v1/referrals/{rid}/close"), 409, "arranging_support_outstanding", "R22"
    )
    recorded = await me.post(
        f"/v1/placements/{pid}/arranging-support",
        json={
            "sent_on": days_from_today(0),
            "provider_copied": True,
            "re_ratio_required": True,
            "night_provision_changed": False,
            "purchase_order_ref": "PO-1",
        },
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["arranging_support"]["re_ratio_required"] is True
    items = await api.as_("admin").get("/v1/work", params={"subject_id": pid})
    assert [w["kind"] for w in items.json()["items"]] == []
    closed = await me.post(f"/v1/referrals/{rid}/close")
    assert closed.status_code == 200, closed.text


async def test_r18_triage_item_closes_with_the_first_match(api: Api) -> None:
    referral = await make_referral(api, unique_team())
    items = await api.as_("admin").get("/v1/work", params={"subject_id": referral["id"]})
    triage = [w for w in items.json()["items"] if w["kind"] == "triage"]
    assert [(w["assignee"], w["rule"]) for w in triage] == [({"team": "placements"}, "R18")]
    provider, _ = await provider_with_vacancy(api)
    match = await officer(api).post(
        f"/v1/referrals/{referral['id']}/matches", json={"provider_id": provider["id"]}
    )
    await to_assessing(api, match.json()["id"])
    items = await api.as_("admin").get("/v1/work", params={"subject_id": referral["id"]})
    assert [w for w in items.json()["items"] if w["kind"] == "triage"] == []
