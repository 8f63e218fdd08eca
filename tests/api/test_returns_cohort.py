"""A generated cohort of 500 children (inserted straight into a database of its own, as a
council's history would be migrated) exports a clean SSDA903 return: no issue listed,
every child in the header, every episode and review in its file."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from app.db import make_engine
from app.domain.ssda903 import upn_check_letter
from app.ids import uuid7
from app.models import LegalStatus, Person, Placement, Provider, Referral, Review
from tests.api.test_returns import read_zip
from tests.conftest import Backend, make_backend, open_client
from tests.support import Api

CHILDREN = 500
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def cohort_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Backend, Path]]:
    tmp = tmp_path_factory.mktemp(f"cohort-{request.param}")
    policy = tmp / "policy.toml"
    policy.write_text('fostering_service_urn = "SC100001"\n')
    yield from ((backend, policy) for backend in make_backend(request.param, tmp))


@pytest.fixture(scope="module")
async def cohort_api(cohort_backend: tuple[Backend, Path]) -> AsyncIterator[Api]:
    backend, policy = cohort_backend
    async for client in open_client(backend, policy_file=policy):
        yield client


def _stamp() -> dict[str, Any]:
    return {"created_at": NOW, "updated_at": NOW, "created_by": "migration", "version": 1}


def generate(seed: int = 903) -> dict[str, list[dict[str, Any]]]:
    """Children entering care across two years, some moving (with a new legal status on
    the day or later), some leaving; a CLA review or two each."""
    rng = random.Random(seed)
    providers = [
        {"id": uuid7(), "name": f"Carer {n}", "service": "foster_care", "external": n % 2 == 1,
         "on_emergency_rota": False, "team": "placements", "active": True,
         "ofsted_urn": None if n % 2 == 0 else f"SC{100000 + n}", "search_name": f"carer {n}",
         **_stamp()}
        for n in range(20)
    ]  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {
        "providers": providers, "people": [], "referrals": [], "placements": [],
        "legal_statuses": [], "reviews": [],
    }  # fmt: skip
    for n in range(CHILDREN):
        pid = uuid7()
        dob = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        body = f"{rng.randrange(10**10, 10**11)}"
        rows["people"].append(
            {"id": pid, "given_name": f"Child{n}", "family_name": "Generated",
             "date_of_birth": dob, "cohort": "child", "team": "north",
             "search_name": f"child{n} generated", "sex": rng.choice("MF"),
             "ethnicity": rng.choice(["WBRI", "MWBA", "AIND", "BCRB", "CHNE", "WOTH"]),
             "upn": upn_check_letter("?" + body + "0") + body + "0",
             "category_of_need": rng.choice(["N1", "N2", "N4", "N5"]), "mother": False,
             **_stamp()}
        )  # fmt: skip
        start = date(2024, 6, 1) + timedelta(days=rng.randrange(0, 600))
        rows["legal_statuses"].append(
            {"id": uuid7(), "person_id": pid, "code": rng.choice(["V2", "C1", "C2"]),
             "start_date": start, "created_at": NOW, "created_by": "migration"}
        )  # fmt: skip
        moves = rng.choice([0, 0, 1, 2])
        leaves = rng.random() < 0.3
        day = start
        for m in range(moves + 1):
            provider = rng.choice(providers)
            last = m == moves
            end = day + timedelta(days=rng.randrange(40, 160))
            ended = not last or (leaves and end <= date(2026, 5, 31))
            ref = uuid7()
            rows["referrals"].append(
                {"id": ref, "person_id": pid, "team": "north", "urgency": "planned",
                 "service": "foster_care", "needs": "Generated.", "requested_start": day,
                 "status": "placed", **_stamp()}
            )  # fmt: skip
            placement = uuid7()
            rows["placements"].append(
                {"id": placement, "person_id": pid, "provider_id": provider["id"],
                 "referral_id": ref, "team": "north", "start_date": day,
                 "end_date": end if ended else None, "status": "ended" if ended else "active",
                 "emergency": False, "placement_type": "U6",
                 "placement_provider": "PR4" if provider["external"] else "PR1",
                 "home_postcode": "AB1 2CD", "placement_postcode": f"EF{n % 9 + 1} 4GH",
                 "reason_episode_ceased": "E4A" if ended and last else None,
                 "reason_place_change": None if last else rng.choice(["CARPL", "CHILD"]),
                 **_stamp()}
            )  # fmt: skip
            if m == 0:
                held = day + timedelta(days=20)
                rows["reviews"].append(
                    {"id": uuid7(), "placement_id": placement, "person_id": pid,
                     "team": "north", "kind": "cla", "rule": "R12", "due_on": held,
                     "status": "held", "held_on": held,
                     "record": {"child_participation": rng.choice(["PN1", "PN5 advocate"])},
                     **_stamp()}
                )  # fmt: skip
            if not last and rng.random() < 0.5:
                later = day + timedelta(days=10)
                rows["legal_statuses"].append(
                    {"id": uuid7(), "person_id": pid, "code": "C2", "start_date": later,
                     "created_at": NOW, "created_by": "migration"}
                )  # fmt: skip
            day = end
    return rows


async def insert_cohort(backend: Backend, rows: dict[str, list[dict[str, Any]]]) -> None:
    engine = make_engine(backend.url, schema=backend.schema)
    try:
        async with engine.begin() as conn:
            for model, name in (
                (Provider, "providers"),
                (Person, "people"),
                (Referral, "referrals"),
                (Placement, "placements"),
                (LegalStatus, "legal_statuses"),
                (Review, "reviews"),
            ):
                await conn.execute(insert(model), rows[name])
    finally:
        await engine.dispose()


async def test_ssda903_500_generated_children_export_with_no_issue(
    cohort_backend: tuple[Backend, Path], cohort_api: Api
) -> None:
    rows = generate()
    await insert_cohort(cohort_backend[0], rows)
    manager = cohort_api.as_("placements_manager")
    issues = await manager.get("/v1/returns/ssda903/issues", params={"year": 2026})
    assert issues.status_code == 200, issues.text
    assert issues.json()["items"] == []
    response = await manager.get("/v1/returns/ssda903", params={"year": 2026})
    assert response.status_code == 200, response.text
    files = read_zip(response.content)
    first, last = date(2025, 4, 1), date(2026, 3, 31)
    in_year = {
        p["person_id"]
        for p in rows["placements"]
        if p["start_date"] <= last and (p["end_date"] is None or p["end_date"] >= first)
    }
    assert len(files["header.csv"]) - 1 == len(in_year) > 300
    children = {r[0] for r in files["header.csv"][1:]}
    assert all(r[0] in children for r in files["episodes.csv"][1:])
    assert len(files["episodes.csv"]) - 1 >= len(in_year)
    assert {r[3] for r in files["reviews.csv"][1:]} <= {"PN1", "PN5"}
    again = await manager.get("/v1/returns/ssda903", params={"year": 2026})
    assert read_zip(again.content) == files  # CHILD ids are stable between exports
