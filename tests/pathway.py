"""Factories for the placement pathway's API tests: referrals, matches, funding, placements."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support import Api, Caller, make_person, make_provider, make_vacancy


def officer(api: Api) -> Caller:
    return api.as_("placements_officer", teams=["placements"])


async def make_referral(
    api: Api, team: str, *, person_id: str | None = None, submit: bool = True, **overrides: Any
) -> dict[str, Any]:
    """A referral for a new (or given) person in `team`, submitted unless told not to."""
    if person_id is None:
        person = await make_person(api, team)
        person_id = person["id"]
    body = {
        "person_id": person_id,
        "urgency": "planned",
        "service": "foster_care",
        "needs": "A foster home near school.",
        "requested_start": "2026-12-01",
    }
    body.update(overrides)
    me = api.as_("practitioner", teams=[team])
    response = await me.post("/v1/referrals", json=body)
    assert response.status_code == 201, response.text
    referral = dict(response.json())
    if submit:
        submitted = await me.post(f"/v1/referrals/{referral['id']}/submit")
        assert submitted.status_code == 200, submitted.text
        referral = dict(submitted.json())
    return referral


async def provider_with_vacancy(
    api: Api, **overrides: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    provider = await make_provider(api, **overrides)
    vacancy = await make_vacancy(api, provider["id"])
    return provider, vacancy


async def propose(
    api: Api, referral_id: str, provider_id: str, vacancy_id: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"provider_id": provider_id}
    if vacancy_id is not None:
        body["vacancy_id"] = vacancy_id
    response = await officer(api).post(f"/v1/referrals/{referral_id}/matches", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def to_assessing(api: Api, match_id: str) -> dict[str, Any]:
    me = officer(api)
    for verb in ("contact", "assess"):
        response = await me.post(f"/v1/matches/{match_id}/{verb}")
        assert response.status_code == 200, response.text
    return dict(response.json())


async def accepted_match(
    api: Api, referral_id: str, provider_id: str, vacancy_id: str | None = None
) -> dict[str, Any]:
    match = await propose(api, referral_id, provider_id, vacancy_id)
    await to_assessing(api, match["id"])
    response = await officer(api).post(f"/v1/matches/{match['id']}/accept")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def approved_funding(
    api: Api, referral_id: str, match_id: str | None = None, weekly: int = 85_000
) -> dict[str, Any]:
    """A funding request for the referral's accepted match (R6), signed off by a team
    manager."""
    author = officer(api)
    body: dict[str, Any] = {
        "referral_id": referral_id,
        "weekly_cost_pence": weekly,
        "one_off_cost_pence": 0,
    }
    if match_id is not None:
        body["match_id"] = match_id
    created = await author.post("/v1/funding-requests", json=body)
    assert created.status_code == 201, created.text
    url = f"/v1/funding-requests/{created.json()['id']}"
    assert (await author.post(f"{url}/submit")).status_code == 200
    decided = await api.as_("team_manager").post(f"{url}/decision", json={"outcome": "approved"})
    assert decided.status_code == 200, decided.text
    return dict(decided.json())


async def planned_matched(api: Api, team: str) -> dict[str, Any]:
    """A planned foster referral matched to a provider's vacancy, funding approved."""
    referral = await make_referral(api, team)
    provider, vacancy = await provider_with_vacancy(api)
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    await approved_funding(api, referral["id"], match["id"])
    return {"referral": referral, "provider": provider, "vacancy": vacancy, "match": match}


async def confirm(api: Api, ctx: dict[str, Any], start_date: str = "2026-12-01") -> dict[str, Any]:
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": ctx["referral"]["id"],
            "provider_id": ctx["provider"]["id"],
            "start_date": start_date,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


ADMISSION_DOCUMENTS = ("placement_plan", "cla_care_plan", "risk_assessment")


async def upload_document(api: Api, team: str, referral_id: str, kind: str) -> dict[str, Any]:
    response = await api.as_("practitioner", teams=[team]).post(
        f"/v1/referrals/{referral_id}/documents",
        files={"file": (f"{kind}.pdf", b"%PDF-1.4 " + kind.encode(), "application/pdf")},
        data={"kind": kind},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def admission_documents(api: Api, team: str, referral_id: str) -> None:
    """R21: the documents a residential home needs on the referral before admission."""
    for kind in ADMISSION_DOCUMENTS:
        await upload_document(api, team, referral_id, kind)


def london_today() -> date:
    """Today in Europe/London, as the service sees it (R2, R7)."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def days_from_today(days: int) -> str:
    return (london_today() + timedelta(days=days)).isoformat()
