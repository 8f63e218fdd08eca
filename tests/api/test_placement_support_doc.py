"""docs/placement-support.md is produced by this test: it runs the placement support flow
(R8-R11) against a fresh app with a fixed clock and writes every request and response.

The committed file must equal what the flow produces, so it cannot go stale. After a
deliberate change, regenerate it with:

    UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_placement_support_doc.py
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.docgen import Person, Recorder, SetNow, check_doc, token_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "placement-support.md"
TEAM = "fostering-north"

INTRO = """
# Placement support, step by step (R8-R11)

The fostering placement support service of seed 001, as the API runs it: a supervising
social worker (SSW) asks for a placement support worker (PSW) for a foster carer household,
a practice supervisor (PS) allocates one, the PSW records casework contacts up to the
10-contact checkpoint, writes case notes about direct work with the child, and the PS holds
case supervision every 4 or 8 weeks.

**This file is generated** by `tests/api/test_placement_support_doc.py`, which runs the flow
against a fresh database with a fixed clock and fails if this file differs from what it
produces. Regenerate it after a deliberate change with
`UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_placement_support_doc.py`. Ids are replaced by
names like `<support-request>`; everything else is exactly what the API answered.

The callers (all in team `fostering-north`, the foster carer's team; tokens from
`placements token`):

{TOKENS}

Support requests, casework episodes, contacts and supervisions are scoped by the foster
carer's team: anyone outside it gets 404, as if they did not exist.
"""

WHO = {
    "SSW": "Sam, supervising social worker",
    "PS": "Pat, practice supervisor",
    "PSW": "Alex, placement support worker",
    "SW": "Jo, the child's social worker",
    "OFFICER": "a placements officer",
}


PEOPLE: dict[str, Person] = {
    # name in the doc: (sub, roles, teams)
    "SSW": ("sam.ssw", ["supervising_social_worker"], [TEAM]),
    "PS": ("pat.ps", ["practice_supervisor"], [TEAM]),
    "PSW": ("alex.psw", ["support_worker"], [TEAM]),
    "SW": ("jo.sw", ["practitioner"], [TEAM]),
    "OFFICER": ("olu.officer", ["placements_officer"], []),
}


async def run_flow(http: httpx.AsyncClient, set_now: SetNow) -> str:
    doc = Recorder(http, PEOPLE)
    doc.say(INTRO.replace("{TOKENS}", token_table(PEOPLE, WHO)))
    set_now("2026-03-02T09:00:00+00:00")
    carer = await doc.call(
        "OFFICER",
        "POST",
        "/v1/providers",
        json_body={"name": "The Okafor household", "service": "foster_care", "team": TEAM},
        show=False,
        expect=201,
    )
    doc.name(carer.json()["id"], "foster-carer")
    child = await doc.call(
        "SW",
        "POST",
        "/v1/people",
        json_body={
            "given_name": "Mia",
            "family_name": "Example",
            "date_of_birth": "2015-06-01",
            "cohort": "child",
            "team": TEAM,
        },
        show=False,
        expect=201,
    )
    doc.name(child.json()["id"], "child")

    doc.say(
        """
## 1. The SSW asks for placement support (R8)

The foster carer is a provider with `service: foster_care` (the placements team keeps
providers; here it is `<foster-carer>`). Any other kind of provider is refused with 422.
"""
    )
    created = await doc.call(
        "SSW",
        "POST",
        "/v1/support-requests",
        json_body={
            "provider_id": carer.json()["id"],
            "reason": "Carers struggling with evening routines after a new placement.",
        },
        expect=201,
    )
    request_id = created.json()["id"]
    doc.name(request_id, "support-request")
    base = f"/v1/support-requests/{request_id}"

    doc.say(
        """
Submitting before the risk assessment is uploaded is refused: **409
`risk_assessment_required`, rule R8**.
"""
    )
    await doc.call("SSW", "POST", f"{base}/submit", expect=409)
    doc.say("So the SSW uploads it (multipart: `file`, `kind`) and submits.")
    uploaded = await doc.call(
        "SSW",
        "POST",
        f"{base}/documents",
        upload=("risk-assessment.pdf", "risk_assessment"),
        expect=201,
    )
    doc.name(uploaded.json()["id"], "risk-assessment")
    await doc.call("SSW", "POST", f"{base}/submit", expect=200)
    doc.say(
        """
The submitted request is now a work item for the practice supervisors of the team
(kind `support_request_decision`, rule R8), due today:
"""
    )
    await doc.call("PS", "GET", "/v1/work", params={"team": TEAM}, expect=200)

    doc.say(
        """
## 2. The practice supervisor allocates a support worker (R8)

`{"allocated": true, "allocated_on", "support_worker"}`, or
`{"allocated": false, "nfa_reason"}` with a reason from `GET /v1/policy` `nfa_reasons`.
Allocation opens casework episode 1 and schedules the first case supervision for that
worker, 4 weeks (`first_supervision_weeks`) after allocation, in the same transaction.
Action POSTs honour `If-Match` (the ETag of the last read).
"""
    )
    await doc.call(
        "PS",
        "POST",
        f"{base}/decision",
        json_body={"allocated": True, "allocated_on": "2026-03-02", "support_worker": "alex.psw"},
        expect=200,
    )
    episodes = await doc.call(
        "PSW",
        "GET",
        "/v1/casework-episodes",
        params={"support_request_id": request_id},
        expect=200,
    )
    ep1 = episodes.json()["items"][0]["id"]
    doc.name(ep1, "episode-1")
    supervisions = await doc.call(
        "PSW", "GET", "/v1/supervisions", params={"support_worker": "me"}, expect=200
    )
    sup1 = supervisions.json()["items"][0]["id"]
    doc.name(sup1, "supervision-1")

    doc.say(
        """
## 3. Casework contacts and the 10-contact checkpoint (R9)

The PSW records each contact with the carers or the family on the adult record. Only the
allocated support worker or a practice supervisor may (403 for anyone else). The first:
"""
    )
    set_now("2026-03-27T16:00:00+00:00")
    contact_days = [3, 5, 9, 11, 13, 16, 18, 20, 24, 26]
    for n, day in enumerate(contact_days, start=1):
        body = {
            "contact_on": f"2026-03-{day:02d}",
            "method": "visit" if n % 3 else "phone",
            "with_whom": "Both foster carers",
            "summary": f"Contact {n}: reviewed the evening routine plan.",
        }
        response = await doc.call(
            "PSW",
            "POST",
            f"/v1/casework-episodes/{ep1}/contacts",
            json_body=body,
            show=n in (1, 10),
            expect=201,
        )
        doc.name(response.json()["id"], f"contact-{n}")
        if n == 1:
            doc.say("Contacts 2 to 9 are recorded the same way. The 10th:")
    doc.say(
        """
The episode now holds 10 contacts and is `checkpoint_due`. An 11th contact is refused with
**409 `casework_checkpoint_due`, rule R9**, until "is placement support still required?" is
answered. This holds under concurrent requests too: the episode row is locked while a
contact is added (see `tests/races/test_casework_races.py`).
"""
    )
    await doc.call(
        "PSW",
        "POST",
        f"/v1/casework-episodes/{ep1}/contacts",
        json_body={
            "contact_on": "2026-03-27",
            "method": "phone",
            "with_whom": "Foster carer",
            "summary": "One more call.",
        },
        expect=409,
    )
    await doc.call("PSW", "GET", f"/v1/casework-episodes/{ep1}", expect=200)
    doc.say(
        """
The checkpoint is a work item for the support worker (kind `casework_checkpoint`, rule R9)
until it is answered, beside the scheduled supervision (rule R11):
"""
    )
    await doc.call("PSW", "GET", "/v1/work", params={"assignee": "me"}, expect=200)

    doc.say(
        """
## 4. Direct work with the child is a case note, not a contact (R10)

Work with the child alone goes on the child's record as a case note of type
`psw_direct_work_with_child`; it never counts toward the 10 contacts. `alerts` names workers
who need to know: each gets a work item until they acknowledge it.
"""
    )
    note = await doc.call(
        "PSW",
        "POST",
        f"/v1/people/{child.json()['id']}/case-notes",
        json_body={
            "type": "psw_direct_work_with_child",
            "text": "Worked with Mia on a bedtime chart she chose herself.",
            "alerts": ["jo.sw"],
        },
        expect=201,
    )
    doc.name(note.json()["id"], "case-note")
    alerts = await doc.call("SW", "GET", "/v1/work", params={"assignee": "me"}, expect=200)
    alert_id = alerts.json()["items"][0]["id"]
    doc.name(alert_id, "alert")
    await doc.call("SW", "POST", f"/v1/work/{alert_id}/acknowledge", expect=200)
    await doc.call("SW", "GET", "/v1/work", params={"assignee": "me"}, expect=200)

    doc.say(
        """
## 5. Supervision, and the checkpoint answered there (R11, R9)

At supervision the practice supervisor records the outcome: `next_in_4_weeks`,
`next_in_8_weeks` (the next one is scheduled that many weeks after `held_on`, for the same
worker) or `service_ended` (none).
"""
    )
    set_now("2026-03-30T14:00:00+00:00")
    held = await doc.call(
        "PS",
        "POST",
        f"/v1/supervisions/{sup1}/record",
        json_body={
            "held_on": "2026-03-30",
            "outcome": "next_in_4_weeks",
            "notes": "Routine plan working; keep visiting weekly.",
        },
        expect=200,
    )
    sup2 = held.json()["next_supervision_id"]
    doc.name(sup2, "supervision-2")
    doc.say(
        """
The checkpoint can be answered by the support worker or, at supervision, by the practice
supervisor, with who completed it. "Yes, still required" continues the episode into the
next one (sequence 2), linked both ways:
"""
    )
    answered = await doc.call(
        "PS",
        "POST",
        f"/v1/casework-episodes/{ep1}/checkpoint",
        json_body={"still_required": True, "completed_by": "alex.psw with pat.ps at supervision"},
        expect=200,
    )
    ep2 = answered.json()["next_episode_id"]
    doc.name(ep2, "episode-2")
    await doc.call("PSW", "GET", f"/v1/casework-episodes/{ep2}", expect=200)

    doc.say("Contacts continue in episode 2, numbered from 1 again:")
    set_now("2026-04-20T10:00:00+00:00")
    for n, day in enumerate((8, 17), start=1):
        response = await doc.call(
            "PSW",
            "POST",
            f"/v1/casework-episodes/{ep2}/contacts",
            json_body={
                "contact_on": f"2026-04-{day:02d}",
                "method": "video",
                "with_whom": "Mrs Okafor",
                "summary": f"Episode 2, contact {n}: progress check.",
            },
            show=n == 2,
            expect=201,
        )
        doc.name(response.json()["id"], f"episode-2-contact-{n}")

    doc.say("The second supervision sets the longer cadence, 8 weeks after the date held:")
    set_now("2026-04-27T15:00:00+00:00")
    held2 = await doc.call(
        "PS",
        "POST",
        f"/v1/supervisions/{sup2}/record",
        json_body={"held_on": "2026-04-27", "outcome": "next_in_8_weeks"},
        expect=200,
    )
    sup3 = held2.json()["next_supervision_id"]
    doc.name(sup3, "supervision-3")

    doc.say(
        """
## 6. Support no longer required: no further action (R9)

"No" closes the episode and the support request, and cancels the supervision still
scheduled; the work items go with them.
"""
    )
    set_now("2026-05-15T11:00:00+00:00")
    await doc.call(
        "PSW",
        "POST",
        f"/v1/casework-episodes/{ep2}/checkpoint",
        json_body={"still_required": False, "completed_by": "alex.psw"},
        expect=200,
    )
    await doc.call("SSW", "GET", base, expect=200)
    await doc.call("PS", "GET", f"/v1/supervisions/{sup3}", expect=200)
    await doc.call("PSW", "GET", "/v1/work", params={"assignee": "me"}, expect=200)
    doc.say(
        """
Every step above wrote its change, its audit entry (`GET /v1/audit`) and its event
(`GET /v1/events`: `support_request.submitted`, `support_request.allocated`,
`casework_episode.opened`, `casework_contact.recorded`, `casework_episode.checkpoint_due`,
`casework_episode.continued`, `case_note.created`, `supervision.held`,
`supervision.scheduled`, `supervision.cancelled`, `casework_episode.closed`,
`support_request.closed`, ...) in one transaction.
"""
    )
    return doc.render()


async def test_placement_support_doc_is_what_the_api_does(tmp_path: Path) -> None:
    await check_doc(DOC, run_flow, tmp_path, "2026-03-02T09:00:00+00:00")
