"""The SSDA903 return over HTTP, on a database of its own (the return covers every child
held, so other tests' children must not be in it): a realistic cohort entering care,
moving, leaving, changing legal status, with reviews either side of the year; every file,
row and code checked; issues block the export until fixed."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain.ssda903 import child_ref, upn_check_letter
from tests.api.test_reviews import record_body, reviews_of
from tests.conftest import Backend, make_backend, open_client
from tests.pathway import accepted_match, approved_funding, make_referral, officer
from tests.support import Api, assert_problem, make_person, make_provider, make_vacancy

FOSTERING_SERVICE_URN = "SC999999"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fresh_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Backend, Path]]:
    tmp = tmp_path_factory.mktemp(f"returns-{request.param}")
    policy = tmp / "policy.toml"
    policy.write_text(f'fostering_service_urn = "{FOSTERING_SERVICE_URN}"\n')
    for backend in make_backend(request.param, tmp):
        yield backend, policy


@pytest.fixture(scope="module")
async def fresh(fresh_backend: tuple[Backend, Path]) -> AsyncIterator[Api]:
    backend, policy = fresh_backend
    async for client in open_client(backend, policy_file=policy):
        yield client


def upn(body: str) -> str:
    return upn_check_letter("?" + body) + body


async def place(
    api: Api,
    team: str,
    person_id: str,
    start: str,
    *,
    external: bool,
    urn: str | None,
    **codes: Any,
) -> dict[str, Any]:
    referral = await make_referral(api, team, person_id=person_id)
    extra = {"ofsted_urn": urn} if urn else {}
    provider = await make_provider(api, external=external, **extra)
    vacancy = await make_vacancy(api, provider["id"])
    match = await accepted_match(api, referral["id"], provider["id"], vacancy["id"])
    await approved_funding(api, referral["id"], match["id"])
    response = await officer(api).post(
        "/v1/placements",
        json={
            "referral_id": referral["id"],
            "provider_id": provider["id"],
            "start_date": start,
            **codes,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def end(api: Api, placement_id: str, on: str, **codes: str) -> None:
    response = await officer(api).post(
        f"/v1/placements/{placement_id}/end", json={"end_date": on, "reason": "Ended", **codes}
    )
    assert response.status_code == 200, response.text


async def hold_next_cla(api: Api, placement_id: str, held_on: str, participation: str) -> None:
    (due,) = await reviews_of(api, placement_id, kind="cla", status="scheduled")
    body = record_body(held_on, ["Ann Smith"], child_participation=participation)
    response = await api.as_("reviewer").post(f"/v1/reviews/{due['id']}/record", json=body)
    assert response.status_code == 200, response.text


async def add_status(api: Api, team: str, person_id: str, code: str, start: str) -> None:
    response = await api.as_("practitioner", teams=[team]).post(
        f"/v1/people/{person_id}/legal-statuses", json={"code": code, "start_date": start}
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(response.json()["id"])


def read_zip(content: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }


async def test_ssda903_cohort_every_file_row_and_code(fresh: Api) -> None:
    api, team = fresh, "north"
    ava = await make_person(
        api, team, given_name="Ava", date_of_birth="2012-05-01", sex="F", ethnicity="WBRI",
        upn=upn("201301123456"), category_of_need="N1", mother=False,
    )  # fmt: skip
    ben = await make_person(
        api, team, given_name="Ben", date_of_birth="2023-01-01", sex="M", ethnicity="BAFR",
        category_of_need="N2",
    )  # fmt: skip
    cal = await make_person(
        api, team, given_name="Cal", date_of_birth="2010-02-02", sex="M", ethnicity="MWBC",
        upn="UN2", category_of_need="N4",
    )  # fmt: skip
    posts = {"home_postcode": "ab1 2cd", "placement_postcode": "EF3 4GH"}
    # Ava: in care since before the year (s20), a care order in June, a move in October.
    await add_status(api, team, ava["id"], "V2", "2025-02-01")
    first = await place(api, team, ava["id"], "2025-02-01", external=False, urn=None, **posts)
    assert (first["placement_type"], first["placement_provider"]) == ("U6", "PR1")
    await hold_next_cla(api, first["id"], "2025-03-01", "PN1 attended and spoke")
    await hold_next_cla(api, first["id"], "2025-05-20", "PN1: attended and spoke for herself")
    await add_status(api, team, ava["id"], "C1", "2025-06-01")
    await end(api, first["id"], "2025-10-01", reason_place_change="CARPL")
    second = await place(
        api, team, ava["id"], "2025-10-01", external=True, urn="1234567",
        placement_type="U4", home_postcode="AB1 2CD", placement_postcode="JK5 6LM",
    )  # fmt: skip
    assert (second["placement_type"], second["placement_provider"]) == ("U4", "PR4")
    await hold_next_cla(api, second["id"], "2026-04-10", "PN5 briefed an advocate")
    # Ben: an EPO, then an interim care order; home in December.
    await add_status(api, team, ben["id"], "L2", "2025-05-01")
    await add_status(api, team, ben["id"], "C1", "2025-05-15")
    bens = await place(api, team, ben["id"], "2025-05-01", external=True, urn="SC654321", **posts)
    await hold_next_cla(api, bens["id"], "2025-05-28", "Too young to take part")
    await end(api, bens["id"], "2025-12-01", reason_episode_ceased="E4A")
    # Cal: comes into care after the year: not in the 2026 return.
    await add_status(api, team, cal["id"], "V2", "2026-05-01")
    await place(api, team, cal["id"], "2026-05-01", external=False, urn=None, **posts)

    manager = api.as_("placements_manager")
    listed = await api.as_("practitioner", teams=[team]).get(
        f"/v1/people/{ava['id']}/legal-statuses"
    )
    assert [(s["code"], s["in_force"]) for s in listed.json()["items"]] == [
        ("V2", False),
        ("C1", True),
    ]
    # Ben has no UPN: the return is refused until it is recorded.
    issues = (await manager.get("/v1/returns/ssda903/issues", params={"year": 2026})).json()
    assert [(i["rule"], i["person_id"], i["field"]) for i in issues["items"]] == [
        ("442", ben["id"], "UPN")
    ]
    assert issues["items"][0]["child"] == child_ref(ben["id"])
    refused = await manager.get("/v1/returns/ssda903", params={"year": 2026})
    assert_problem(refused, 409, "return_not_valid")
    forced = await manager.get("/v1/returns/ssda903", params={"year": 2026, "force": "true"})
    assert forced.status_code == 200
    fixed = await api.as_("practitioner", teams=[team]).patch(
        f"/v1/people/{ben['id']}", json={"upn": "UN1"}
    )
    assert fixed.status_code == 200, fixed.text
    issues = (await manager.get("/v1/returns/ssda903/issues", params={"year": 2026})).json()
    assert issues["items"] == []
    response = await manager.get("/v1/returns/ssda903", params={"year": 2026})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    files = read_zip(response.content)
    a, b = child_ref(ava["id"]), child_ref(ben["id"])
    assert files["header.csv"][0] == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    assert sorted(files["header.csv"][1:]) == sorted(
        [
            [a, "F", "01/05/2012", "WBRI", upn("201301123456"), "0", ""],
            [b, "M", "01/01/2023", "BAFR", "UN1", "", ""],
        ]
    )
    assert files["episodes.csv"][0] == [
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ]  # fmt: skip
    ava_rows = [r for r in files["episodes.csv"][1:] if r[0] == a]
    assert ava_rows == [
        [a, "01/02/2025", "S", "V2", "N1", "U6", "PR1", "01/06/2025", "X1", "", "AB1 2CD",
         "EF3 4GH", FOSTERING_SERVICE_URN],
        [a, "01/06/2025", "L", "C1", "N1", "U6", "PR1", "01/10/2025", "X1", "CARPL", "AB1 2CD",
         "EF3 4GH", FOSTERING_SERVICE_URN],
        [a, "01/10/2025", "P", "C1", "N1", "U4", "PR4", "", "", "", "AB1 2CD", "JK5 6LM",
         "1234567"],
    ]  # fmt: skip
    ben_rows = [r for r in files["episodes.csv"][1:] if r[0] == b]
    assert ben_rows == [
        [b, "01/05/2025", "S", "L2", "N2", "U6", "PR4", "15/05/2025", "X1", "", "AB1 2CD",
         "EF3 4GH", "SC654321"],
        [b, "15/05/2025", "L", "C1", "N2", "U6", "PR4", "01/12/2025", "E4A", "", "AB1 2CD",
         "EF3 4GH", "SC654321"],
    ]  # fmt: skip
    assert len(files["episodes.csv"]) == 6
    assert files["reviews.csv"][0] == ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
    assert sorted(files["reviews.csv"][1:]) == sorted(
        [[a, "01/05/2012", "20/05/2025", "PN1"], [b, "01/01/2023", "28/05/2025", "PN0"]]
    )
    # The next year: Ava still placed, Cal in care; Ben gone.
    nxt = read_zip(
        (await manager.get("/v1/returns/ssda903", params={"year": 2027, "force": "true"})).content
    )
    assert {r[0] for r in nxt["header.csv"][1:]} == {a, child_ref(cal["id"])}
    audit = await api.as_("admin").get("/v1/audit", params={"actor": manager.sub})
    exported = [e for e in audit.json()["items"] if e["action"] == "return.ssda903_exported"]
    assert {e["after"]["year"] for e in exported} == {2026, 2027}


async def test_ssda903_is_for_placements_managers_and_admins(fresh: Api) -> None:
    for role in ("placements_officer", "practitioner", "reviewer"):
        got = await fresh.as_(role).get("/v1/returns/ssda903", params={"year": 2026})
        assert_problem(got, 403, "forbidden")
        got = await fresh.as_(role).get("/v1/returns/ssda903/issues", params={"year": 2026})
        assert_problem(got, 403, "forbidden")
    assert (await fresh.as_("admin").get("/v1/returns/ssda903/issues?year=2026")).status_code == 200


async def test_ssda903_codes_are_checked_on_input(fresh: Api) -> None:
    person = await make_person(fresh, "north")
    me = fresh.as_("practitioner", teams=["north"])
    for body in ({"ethnicity": "White"}, {"upn": "A123"}, {"sex": "X"}, {"category_of_need": "N9"}):
        assert_problem(
            await me.patch(f"/v1/people/{person['id']}", json=body), 422, "validation_error"
        )
    bad = await me.post(
        f"/v1/people/{person['id']}/legal-statuses", json={"code": "Z9", "start_date": "2025-01-01"}
    )
    assert_problem(bad, 422, "validation_error")
    provider = await fresh.as_("placements_officer").post(
        "/v1/providers",
        json={"name": "Home", "service": "foster_care", "team": "p", "ofsted_urn": "12"},
    )
    assert_problem(provider, 422, "validation_error")
