"""docs/pathway.md is produced by this test: the two placement pathways of seeds 000 and
003, run against a fresh app with a fixed clock, every request and response written down,
once on a new SQLite database and once on a new PostgreSQL schema. Part A follows seed
003's thirteen steps in order; part B seed 000's emergency bullets until the referral
leaves the duty tracker and closes. It fails when the committed file differs from what
either backend produces; regenerate after a deliberate change with

    UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_pathway_doc.py
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Backend, make_backend
from tests.docgen import (
    Person,
    Recorder,
    SetNow,
    check_doc,
    shift_dates,
    token_table,
    weeks_to_this_week,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "pathway.md"
ADULTS = "adults-east"
CHILDREN = "children-west"

PEOPLE: dict[str, Person] = {
    "PRACTITIONER": ("riya.sw", ["practitioner"], [ADULTS, CHILDREN]),
    "OFFICER": ("olu.officer", ["placements_officer"], ["placements"]),
    "PANEL": ("chair.pap", ["panel_member"], []),
    "MANAGER": ("tm.hughes", ["team_manager"], [ADULTS]),
}
WHO = {
    "PRACTITIONER": "Riya, social worker / adults' practitioner",
    "OFFICER": "Olu, placements commissioning officer (on duty)",
    "PANEL": "the practice assurance panel chair",
    "MANAGER": "a social care team manager",
}

INTRO = """
# The placement pathway, step by step (R1-R7)

Two flows, as seeds 003 (adults' supported living) and 000 (children's placements)
describe them: a **planned** supported-living referral that goes through a practice
assurance panel, matching, provider assessment and funding to a placement; and an
**emergency** foster referral placed the same day, its funding request sent for sign-off
afterwards and its courtesy call made, until the duty tracker is clear.

**This file is generated** by `tests/api/test_pathway_doc.py`, which runs both flows on a
fresh database with a fixed clock and fails if this file differs from what it produces.
Regenerate after a deliberate change with
`UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_pathway_doc.py`. Ids are replaced by names
like `<referral>`; everything else is exactly what the API answered.

The dates are those of a run starting Monday 2 March 2026. To follow it on your own
server, move every date by the same whole number of weeks to this week: the same test
also runs every call here that way (starting this week's Monday) and checks each answers
as shown, so the walkthrough works on any day.

The callers (tokens from `placements token`):

{TOKENS}

Every step writes its change, an audit entry (`GET /v1/audit`) and an event
(`GET /v1/events`) in one transaction. Action POSTs honour `If-Match`; every POST honours
`Idempotency-Key`.
"""


# Seed 003's steps, in its words: the headings of part A.
STEPS = {
    "2": (
        "### Step 2 (P). Practitioner refers to the Supported Living Practice Assurance "
        "Panel & gets panel slot confirmed (R1, R3)"
    ),
    "3": (
        "### Step 3 (P). Practitioner is notified to attend Practice Assurance Panel; "
        "feedback and decision notified including actions (R3, R4)"
    ),
    "4": (
        "### Step 4 (P). Once all Panel actions are completed, the Supported Living "
        "Referral goes on (R4)"
    ),
    "5": (
        "### Step 5 (PT). Referral process now begins by the Placements Team, matching "
        "the referral to suitable vacancies (R4, R5)"
    ),
    "6": (
        "### Step 6 (P&PT). Regular liaison with practitioner; placements team gives "
        "contact details for providers (R5)"
    ),
    "7": (
        "### Step 7 (P). Following assessments - if the provider accepts & they can meet "
        "needs - the practitioner updates placements team (R5)"
    ),
    "8-9": (
        "### Steps 8-9 (P, PT). Placement confirmation form for formal costings; "
        "placements team complete formal costings (R6)"
    ),
    "10": "### Step 10 (P). Practitioner attends funding panel (R6)",
    "11": (
        "### Step 11 (P). Confirmation provided by practitioner to placements of outcome "
        "from panel, planned moving date etc. (R6, R7)"
    ),
    "12": (
        "### Step 12 (PT). Placements will send placement confirmation form to Arranging "
        "Support placements team, cc'ing in provider (R22)"
    ),
    "13": "### Step 13 (PT). Referral is then closed (R1)",
}


async def planned_flow(doc: Recorder, set_now: SetNow) -> None:
    set_now("2026-03-02T09:00:00+00:00")
    doc.say("""
## Before you start: what the walkthroughs use

Everything below is made here, nothing is assumed: the placements team records the
supported living provider and its vacancy (part A), then the foster carer on the
emergency rota and the child (part B, further down).
""")
    provider = await doc.call(
        "OFFICER",
        "POST",
        "/v1/providers",
        json_body={
            "name": "Harbour View Supported Living",
            "service": "supported_living",
            "team": "placements",
            "external": True,
        },
        expect=201,
    )
    doc.name(provider.json()["id"], "supported-living-provider")
    vacancy = await doc.call(
        "OFFICER",
        "POST",
        f"/v1/providers/{provider.json()['id']}/vacancies",
        json_body={"label": "Flat 4, one bedroom tenancy"},
        expect=201,
    )
    doc.name(vacancy.json()["id"], "flat-4")

    doc.say("""
## A. Planned: adults' supported living for 26+ (seed 003)

The thirteen steps of seed 003, in its order and with its words as the headings. P is the
practitioner, PT the placements team. Supported living is a tenancy, not a care-home
placement, and is not used for emergency out-of-hospital support.

### Step 1 (P). Practitioner identifies need for Supported Living referral (R1)

The person is an adult of 26 or over; the referral starts as a `draft`.
""")
    person = await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/people",
        json_body={
            "given_name": "Dan",
            "family_name": "Example",
            "date_of_birth": "1994-08-20",
            "cohort": "adult",
            "team": ADULTS,
        },
        expect=201,
    )
    doc.name(person.json()["id"], "dan")
    referral = await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/referrals",
        json_body={
            "person_id": person.json()["id"],
            "urgency": "planned",
            "service": "supported_living",
            "needs": "Own tenancy with 20 hours of support a week; near family.",
            "requested_start": "2026-04-20",
        },
        expect=201,
    )
    rid = referral.json()["id"]
    doc.name(rid, "referral")

    doc.say(
        STEPS["2"]
        + """

`submit` moves the referral to `submitted`; supported living must pass a practice
assurance panel before matching.
"""
    )
    await doc.call("PRACTITIONER", "POST", f"/v1/referrals/{rid}/submit", expect=200)
    doc.say("""
The placements team keeps the weekly panel dates. Only a supported living referral goes
to a practice assurance panel (else 409 `panel_not_applicable`), and nothing is booked
into a panel whose date has passed (409 `panel_date_passed`). Booking moves the referral
to `panel`. Documents are due **3 working days before the panel** (weekends and England
and Wales bank holidays skipped), by 23:59:59 London time: `documents_due_on`,
`documents_due_at`. `missing_documents` lists the required kinds not yet attached and
quality-assured.
""")
    panel = await doc.call(
        "OFFICER",
        "POST",
        "/v1/panels",
        json_body={"kind": "practice_assurance", "date": "2026-03-11"},
        expect=201,
    )
    doc.name(panel.json()["id"], "panel-11-march")
    booking = await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/panel-bookings",
        json_body={"referral_id": rid, "panel_id": panel.json()["id"]},
        expect=201,
    )
    bid = booking.json()["id"]
    doc.name(bid, "booking")

    doc.say("""
The practice assurance documents, no later than 3 working days before the panel (R3).
Upload is multipart (`file`, `kind`); attaching is `{"document_id"}`. A document attached
after `documents_due_at` is refused (409 `panel_document_deadline_passed`) unless a panel
member sends `accept_late: true`, which is recorded. A document counts toward the booking
only once the supervising team manager has quality-assured it
(`POST /v1/documents/{id}/assure`, once; seed 003: "quality assured by the supervising
manager").
""")
    document_ids: list[str] = []
    for filename, kind in (
        ("care-and-support-plan.pdf", "care_and_support_plan"),
        ("risk-assessment.pdf", "risk_assessment"),
    ):
        uploaded = await doc.call(
            "PRACTITIONER",
            "POST",
            f"/v1/referrals/{rid}/documents",
            upload=(filename, kind),
            expect=201,
        )
        doc.name(uploaded.json()["id"], kind.replace("_", "-"))
        document_ids.append(uploaded.json()["id"])
        await doc.call(
            "PRACTITIONER",
            "POST",
            f"/v1/panel-bookings/{bid}/documents",
            json_body={"document_id": uploaded.json()["id"]},
            expect=200,
            show=kind == "care_and_support_plan",
        )
    doc.say("""
Attached but not yet assured, both kinds are still missing. The team manager assures
each; the last one empties `missing_documents` and closes the practitioner's "documents
due" item:
""")
    for document_id in document_ids:
        await doc.call(
            "MANAGER", "POST", f"/v1/documents/{document_id}/assure", json_body={}, expect=200
        )
    await doc.call("PRACTITIONER", "GET", f"/v1/panel-bookings/{bid}", expect=200)

    doc.say(
        STEPS["3"]
        + """

Attending the panel on its date is a work item for the practitioner (rule R3):
"""
    )
    await doc.call("PRACTITIONER", "GET", "/v1/work", params={"assignee": "me"}, expect=200)
    doc.say("""
A decision before the panel's date is refused (409 `panel_not_yet_held`), and so is an
approval while any required document is missing or unassured (409
`panel_documents_missing`; `deferred` and `declined` can still be given).
`approved_with_actions` keeps the referral at `panel` until every action is done;
proposing a match before then is refused.
""")
    await doc.call(
        "PANEL",
        "POST",
        f"/v1/panel-bookings/{bid}/decision",
        json_body={"outcome": "approved"},
        expect=409,
    )
    set_now("2026-03-11T14:00:00+00:00")
    decided = await doc.call(
        "PANEL",
        "POST",
        f"/v1/panel-bookings/{bid}/decision",
        json_body={
            "outcome": "approved_with_actions",
            "actions": ["Confirm the day-service hours with the provider"],
        },
        expect=200,
    )
    action = decided.json()["actions"][0]["id"]
    doc.name(action, "panel-action")

    doc.say(
        STEPS["4"]
        + """

Proposing a match while an action is open is refused:
"""
    )
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/matches",
        json_body={"provider_id": provider.json()["id"], "vacancy_id": vacancy.json()["id"]},
        expect=409,
    )
    doc.say("Completing the last action moves the referral to `matching`:")
    await doc.call(
        "PRACTITIONER",
        "POST",
        f"/v1/panel-bookings/{bid}/actions/{action}/complete",
        expect=200,
    )
    doc.say(
        STEPS["5"]
        + """

The referral is now the placements team's to match: a work item for the team, closed by
the first match proposed.
"""
    )
    await doc.call("OFFICER", "GET", "/v1/work", params={"kind": "begin_matching"}, expect=200)
    doc.say("""
A match moves `proposed -> contacted -> assessing -> accepted`. Accepting holds the vacancy
(no other referral can take it) and moves the referral to `matched`; a referral has at most
one accepted match, even under concurrent requests.
""")
    match = await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/matches",
        json_body={
            "provider_id": provider.json()["id"],
            "vacancy_id": vacancy.json()["id"],
            "notes": "Provider has capacity from mid April.",
        },
        expect=201,
    )
    mid = match.json()["id"]
    doc.name(mid, "match")

    doc.say(
        STEPS["6"]
        + """

Contact with a potential provider is made only through the placements team, recorded on
the match:
"""
    )
    await doc.call("OFFICER", "POST", f"/v1/matches/{mid}/contact", expect=200)

    doc.say(
        STEPS["7"]
        + """
"""
    )
    await doc.call("OFFICER", "POST", f"/v1/matches/{mid}/assess", expect=200)
    await doc.call("OFFICER", "POST", f"/v1/matches/{mid}/accept", expect=200)
    await doc.call("OFFICER", "GET", f"/v1/vacancies/{vacancy.json()['id']}", expect=200)

    doc.say(
        STEPS["8-9"]
        + """

Costings in integer pence, naming the accepted match, with their breakdown. A planned
placement cannot be confirmed until its funding request is approved, and the decider can
never be its author.
"""
    )
    await doc.call(
        "OFFICER",
        "POST",
        "/v1/placements",
        json_body={
            "referral_id": rid,
            "match_id": mid,
            "provider_id": provider.json()["id"],
            "vacancy_id": vacancy.json()["id"],
            "start_date": "2026-04-20",
        },
        expect=409,
    )
    funding = await doc.call(
        "OFFICER",
        "POST",
        "/v1/funding-requests",
        json_body={
            "referral_id": rid,
            "match_id": mid,
            "weekly_cost_pence": 98_500,
            "cost_breakdown": {"core_pence": 80_000, "additional_support_pence": 18_500},
            "one_off_cost_pence": 25_000,
            "moving_on": "2026-04-20",
        },
        expect=201,
    )
    fid = funding.json()["id"]
    doc.name(fid, "funding-request")
    await doc.call("OFFICER", "POST", f"/v1/funding-requests/{fid}/submit", expect=200)

    doc.say(
        STEPS["10"]
        + """

Supported living funding goes to the funding panel: the practitioner books the request
into a funding panel, and only a panel member decides it, on or after the panel's date
(a team manager gets 409 `funding_panel_required`).
"""
    )
    funding_panel = await doc.call(
        "OFFICER",
        "POST",
        "/v1/panels",
        json_body={"kind": "funding", "date": "2026-04-16"},
        expect=201,
    )
    doc.name(funding_panel.json()["id"], "funding-panel")
    await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/panel-bookings",
        json_body={
            "referral_id": rid,
            "panel_id": funding_panel.json()["id"],
            "funding_request_id": fid,
        },
        expect=201,
    )
    await doc.call(
        "MANAGER",
        "POST",
        f"/v1/funding-requests/{fid}/decision",
        json_body={"outcome": "approved"},
        expect=409,
    )
    set_now("2026-04-16T15:00:00+01:00")
    await doc.call(
        "PANEL",
        "POST",
        f"/v1/funding-requests/{fid}/decision",
        json_body={"outcome": "approved"},
        expect=200,
    )

    doc.say(
        STEPS["11"]
        + """

The approved request carries the planned moving date (`moving_on`):
"""
    )
    await doc.call("PRACTITIONER", "GET", f"/v1/funding-requests/{fid}", expect=200)
    doc.say("""
Confirming the placement on that date fills the vacancy, sets the referral to `placed`,
allows one active placement per person, and emits `placement.confirmed` (which schedules
the reviews that apply).
""")
    set_now("2026-04-20T10:00:00+01:00")
    placement = await doc.call(
        "OFFICER",
        "POST",
        "/v1/placements",
        json_body={
            "referral_id": rid,
            "match_id": mid,
            "provider_id": provider.json()["id"],
            "vacancy_id": vacancy.json()["id"],
            "start_date": "2026-04-20",
        },
        expect=201,
    )
    doc.name(placement.json()["id"], "placement")
    await doc.call("PRACTITIONER", "GET", f"/v1/referrals/{rid}", expect=200)

    doc.say(
        STEPS["12"]
        + """

The placements team sends the placement confirmation to the Arranging Support team,
copying the provider; until it is recorded the referral cannot close.
"""
    )
    await doc.call("OFFICER", "POST", f"/v1/referrals/{rid}/close", expect=409)
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/placements/{placement.json()['id']}/arranging-support",
        json_body={
            "sent_on": "2026-04-20",
            "provider_copied": True,
            "re_ratio_required": False,
            "night_provision_changed": False,
            "purchase_order_ref": "PO-20431",
        },
        expect=200,
    )

    doc.say(STEPS["13"])
    await doc.call("OFFICER", "POST", f"/v1/referrals/{rid}/close", expect=200)


async def emergency_flow(doc: Recorder, set_now: SetNow) -> None:
    set_now("2026-05-15T19:30:00+01:00")
    carer = await doc.call(
        "OFFICER",
        "POST",
        "/v1/providers",
        json_body={
            "name": "The Adeyemi household",
            "service": "foster_care",
            "team": "placements",
            "on_emergency_rota": True,
        },
        expect=201,
    )
    doc.name(carer.json()["id"], "rota-foster-carer")
    child = await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/people",
        json_body={
            "given_name": "Kai",
            "family_name": "Example",
            "date_of_birth": "2016-01-09",
            "cohort": "child",
            "team": CHILDREN,
        },
        expect=201,
    )
    doc.name(child.json()["id"], "kai")

    doc.say("""
## B. Emergency: a same-day foster placement (seed 000, R2)

Seed 000's emergency process, bullet by bullet, until the referral leaves the placement
duty tracker and closes.

### B1. 'Placement Matching' step received into the placement commissioning officer's workflow

On submit an emergency referral skips panel, goes to `matching`, and raises a same-day work
item for the placements team's duty officer.
""")
    referral = await doc.call(
        "PRACTITIONER",
        "POST",
        "/v1/referrals",
        json_body={
            "person_id": child.json()["id"],
            "urgency": "emergency",
            "service": "foster_care",
            "needs": "Placement tonight; police protection.",
            "requested_start": "2026-05-15",
        },
        expect=201,
    )
    rid = referral.json()["id"]
    doc.name(rid, "emergency-referral")
    await doc.call("PRACTITIONER", "POST", f"/v1/referrals/{rid}/submit", expect=200)
    await doc.call("OFFICER", "GET", "/v1/work", params={"team": "placements"}, expect=200)

    doc.say("""
### B2. The officer alerts the team around the child duty worker (R2)

Each follow-up is `POST /v1/referrals/{id}/follow-ups` with its `kind`.
""")
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/follow-ups",
        json_body={"kind": "tac_duty_alerted"},
        expect=201,
    )

    doc.say("""
### B3. A carer from the out of hours rota is identified and shared with the child's social worker

Only foster carers on the emergency rota, or providers with an open vacancy, can take an
emergency referral (409 `emergency_provider_not_eligible` otherwise).
""")
    match = await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/matches",
        json_body={"provider_id": carer.json()["id"]},
        expect=201,
    )
    mid = match.json()["id"]
    doc.name(mid, "emergency-match")
    for verb in ("contact", "assess"):
        await doc.call("OFFICER", "POST", f"/v1/matches/{mid}/{verb}", expect=200)
    await doc.call("OFFICER", "POST", f"/v1/matches/{mid}/accept", expect=200)
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/follow-ups",
        json_body={"kind": "csw_informed"},
        expect=201,
    )

    doc.say("""
### B4. Placement arrangements confirmed with the CSW, the same evening

The placement is confirmed first; funding follows.
""")
    placement = await doc.call(
        "OFFICER",
        "POST",
        "/v1/placements",
        json_body={
            "referral_id": rid,
            "match_id": mid,
            "provider_id": carer.json()["id"],
            "start_date": "2026-05-15",
        },
        expect=201,
    )
    pid = placement.json()["id"]
    doc.name(pid, "emergency-placement")

    doc.say("""
### B5. The placement is on the Placement Duty Tracker

The referral stays on `GET /v1/duty-tracker` until every follow-up is done: the placement
confirmed, the TAC duty worker alerted, the CSW informed, the funding request sent for
sign-off, the courtesy call made and the sustainability reviewed.
""")
    await doc.call("OFFICER", "GET", "/v1/duty-tracker", expect=200)

    doc.say("""
### B6. The Application for Funding is completed and sent to the team manager for sign-off (R6)
""")
    set_now("2026-05-16T10:00:00+01:00")
    funding = await doc.call(
        "OFFICER",
        "POST",
        "/v1/funding-requests",
        json_body={"referral_id": rid, "placement_id": pid, "weekly_cost_pence": 45_000},
        expect=201,
    )
    fid = funding.json()["id"]
    doc.name(fid, "emergency-funding-request")
    await doc.call("OFFICER", "POST", f"/v1/funding-requests/{fid}/submit", expect=200)

    doc.say("### B7. The placing officer arranges the courtesy call to the foster carer")
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/placements/{pid}/courtesy-call",
        json_body={"notes": "Carer settled; school run arranged."},
        expect=200,
    )
    doc.say("One follow-up is still owed:")
    await doc.call("OFFICER", "GET", "/v1/duty-tracker", expect=200)

    doc.say("""
### B8. Liaising with the CSW on whether the emergency placement can sustain (R2)

With the sustainability reviewed the referral leaves the duty tracker.
""")
    await doc.call(
        "OFFICER",
        "POST",
        f"/v1/referrals/{rid}/follow-ups",
        json_body={"kind": "sustainability_reviewed", "outcome": "sustain"},
        expect=201,
    )
    await doc.call("OFFICER", "GET", "/v1/duty-tracker", expect=200)

    doc.say("### B9. With every follow-up done, the referral is closed (R1)")
    await doc.call("OFFICER", "POST", f"/v1/referrals/{rid}/close", expect=200)


async def run_flows(http: httpx.AsyncClient, set_now: SetNow, shift_days: int = 0) -> str:
    doc = Recorder(http, PEOPLE, shift_days=shift_days)
    doc.say(INTRO.replace("{TOKENS}", token_table(PEOPLE, WHO)))
    await planned_flow(doc, set_now)
    await emergency_flow(doc, set_now)
    return doc.render()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty, migrated database of its own: a new SQLite file or PostgreSQL schema."""
    yield from make_backend(request.param, tmp_path)


START = "2026-03-02T09:00:00+00:00"


async def test_pathway_doc_is_what_the_api_does(tmp_path: Path, fresh_database: Backend) -> None:
    await check_doc(
        DOC, run_flows, tmp_path, START, database=(fresh_database.url, fresh_database.schema)
    )


async def test_pathway_doc_calls_run_with_this_weeks_dates(
    tmp_path: Path, fresh_database: Backend
) -> None:
    """The doc's own calls, every date moved by whole weeks to this week (the day it
    starts is this week's Monday, today at the latest): each answers the status the doc
    shows, so the walkthrough works whenever it is followed."""
    days = weeks_to_this_week(START)
    assert days > 0

    async def this_week(http: httpx.AsyncClient, set_now: SetNow) -> str:
        return await run_flows(http, lambda value: set_now(shift_dates(value, days)), days)

    await check_doc(
        DOC,
        this_week,
        tmp_path,
        shift_dates(START, days),
        database=(fresh_database.url, fresh_database.schema),
        compare=False,
    )
