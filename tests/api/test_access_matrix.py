"""The access matrix as a test (issue 9, R19): every operation of the contract is in
`MATRIX`, and every write operation is called with every role of `app/permissions.py`
on real rows the caller can see: a role the table allows gets anything but 403, a role it
refuses gets 403; a team-scoped role of another team gets 404 and finds nothing in lists.
`docs/access.md` is generated from the same table; regenerate it with

    UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_access_matrix.py
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.auth import Principal
from app.main import create_app
from app.permissions import CROSS_TEAM_ROLES, PERMISSIONS, ROLES, allowed
from tests.api.test_reviews import record_body
from tests.api.test_transfers import seen_in_lists
from tests.conftest import Backend, open_client
from tests.history import History, full_history
from tests.support import Api, Caller, person_body, unique_team
from tests.support_flow import Support, contact_body, make_allocated

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
TEAM_ROLES = sorted(ROLES - CROSS_TEAM_ROLES)
PDF = {"file": ("matrix.pdf", b"%PDF-1.4 matrix", "application/pdf")}


@dataclass
class World:
    h: History
    support: Support
    webhook_id: str
    ids: dict[str, str]


Body = Callable[[World], dict[str, Any] | None]


@dataclass(frozen=True)
class Op:
    """One operation of the contract: the permission in the role table that guards it
    (None: open to every role within its scope), how to fill its path and body, and
    whether its path names a record scoped to the person's (or carer's) team."""

    permission: str | None
    body: Body = lambda w: None
    multipart: str | None = None  # the document kind for an upload
    scoped: bool = False


def _ext(w: World) -> dict[str, Any]:
    return {**person_body(w.h.team), "external_ids": {}}


# Write operations: every one is called with every role.
WRITES: dict[str, Op] = {
    "create_person": Op("people.create", lambda w: person_body(w.h.team)),
    "update_person": Op("people.update", lambda w: {}, scoped=True),
    "upsert_person_by_external_id": Op("people.upsert_external", _ext),
    "upsert_people_by_external_id": Op(
        "people.upsert_external",
        lambda w: {"items": [{**person_body(w.h.team), "external_id": uuid.uuid4().hex}]},
    ),
    "create_provider": Op(
        "providers.write",
        lambda w: {"name": "Matrix carer", "service": "foster_care", "team": "placements"},
    ),
    "update_provider": Op("providers.write", lambda w: {}),
    "upsert_provider_by_external_id": Op(
        "providers.upsert_external",
        lambda w: {"name": "Matrix carer", "service": "foster_care", "team": "placements"},
    ),
    "create_vacancy": Op("vacancies.write", lambda w: {"label": "Matrix room"}),
    "update_vacancy": Op("vacancies.write", lambda w: {}),
    "create_referral": Op(
        "referrals.create",
        lambda w: {
            "person_id": w.h.person["id"],
            "urgency": "planned",
            "service": "foster_care",
            "needs": "A foster home.",
            "requested_start": "2026-12-01",
        },
    ),
    "update_referral": Op("referrals.update", lambda w: {}, scoped=True),
    "upsert_referral_by_external_id": Op(
        "referrals.upsert_external",
        lambda w: {
            "person_id": w.h.person["id"],
            "urgency": "planned",
            "service": "foster_care",
            "needs": "A foster home.",
            "requested_start": "2026-12-01",
        },
    ),
    "submit_referral": Op("referrals.submit", scoped=True),
    "withdraw_referral": Op("referrals.withdraw", lambda w: {"reason": "Matrix"}, scoped=True),
    "close_referral": Op("referrals.close", lambda w: {"note": "Matrix"}, scoped=True),
    "upload_referral_document": Op(
        "documents.upload", multipart="financial_assessment", scoped=True
    ),
    "propose_match": Op(
        "matches.write", lambda w: {"provider_id": w.h.provider["id"]}, scoped=True
    ),
    "contact_match": Op("matches.write", lambda w: {}, scoped=True),
    "assess_match": Op("matches.write", lambda w: {}, scoped=True),
    "accept_match": Op("matches.write", lambda w: {}, scoped=True),
    "decline_match": Op("matches.write", lambda w: {"reason": "Matrix"}, scoped=True),
    "withdraw_match": Op("matches.write", lambda w: {"reason": "Matrix"}, scoped=True),
    "create_funding_request": Op(
        "funding.write",
        lambda w: {"referral_id": w.h.referral["id"], "weekly_cost_pence": 1000},
    ),
    "update_funding_request": Op("funding.write", lambda w: {}, scoped=True),
    "submit_funding_request": Op("funding.write", scoped=True),
    "decide_funding_request": Op("funding.decide", lambda w: {"outcome": "approved"}, scoped=True),
    "confirm_placement": Op(
        "placements.write",
        lambda w: {
            "referral_id": w.h.referral["id"],
            "provider_id": w.h.provider["id"],
            "start_date": "2025-12-01",
        },
    ),
    "assure_document": Op("documents.assure", lambda w: {}, scoped=True),
    "update_placement": Op(
        "placements.write", lambda w: {"planned_end_on": "2026-12-31"}, scoped=True
    ),
    "record_arranging_support": Op(
        "placements.write",
        lambda w: {
            "sent_on": date.today().isoformat(),
            "provider_copied": True,
            "re_ratio_required": False,
            "night_provision_changed": False,
        },
        scoped=True,
    ),
    "record_follow_up": Op("placements.write", lambda w: {"kind": "tac_duty_alerted"}, scoped=True),
    "end_placement": Op(
        "placements.write",
        lambda w: {"end_date": "2025-12-02", "reason": "Matrix"},
        scoped=True,
    ),
    "record_courtesy_call": Op("placements.write", lambda w: {}, scoped=True),
    "upload_placement_document": Op("documents.upload", multipart="placement_plan", scoped=True),
    "create_panel": Op("panels.write", lambda w: {"kind": "funding", "date": "2030-01-07"}),
    "create_panel_booking": Op(
        "panel_bookings.create",
        lambda w: {"referral_id": w.h.referral["id"], "panel_id": w.h.panel["id"]},
    ),
    "attach_panel_booking_document": Op(
        "panel_bookings.attach", lambda w: {"document_id": w.h.documents[0]["id"]}, scoped=True
    ),
    "decide_panel_booking": Op(
        "panel_bookings.decide", lambda w: {"outcome": "approved"}, scoped=True
    ),
    # The action id is not one of the booking's: the role check comes first (then 404).
    "complete_panel_action": Op("panel_actions.complete", scoped=True),
    "acknowledge_work_item": Op("work.acknowledge", scoped=True),
    "assign_work_item": Op("work.assign", lambda w: {"team": w.h.team}, scoped=True),
    "create_support_request": Op(
        "support_requests.create",
        lambda w: {"provider_id": w.support.request["provider_id"], "reason": "Matrix"},
    ),
    "submit_support_request": Op("support_requests.submit", scoped=True),
    "decide_support_request": Op(
        "support_requests.decide",
        lambda w: {"allocated": False, "nfa_reason": "no_longer_required"},
        scoped=True,
    ),
    "upload_support_request_document": Op(
        "support_documents.upload", multipart="risk_assessment", scoped=True
    ),
    "add_casework_contact": Op("casework.contact", lambda w: contact_body(), scoped=True),
    "answer_casework_checkpoint": Op(
        "casework.checkpoint",
        lambda w: {"still_required": True, "completed_by": "Matrix"},
        scoped=True,
    ),
    "create_case_note": Op(
        "case_notes.create", lambda w: {"type": "general", "text": "Matrix"}, scoped=True
    ),
    "record_supervision": Op(
        "supervisions.record",
        lambda w: {"held_on": "2026-01-30", "outcome": "next_in_8_weeks"},
        scoped=True,
    ),
    "record_review": Op(
        "reviews.record", lambda w: record_body("2025-12-20", ["matrix-reviewer"]), scoped=True
    ),
    "request_extra_review": Op(
        "reviews.request_extra",
        lambda w: {"kind": "cla", "due_on": "2026-01-20", "reason": "Matrix"},
        scoped=True,
    ),
    "create_contact_restriction": Op(
        "contact_restrictions.write",
        lambda w: {"description": "Matrix", "emergency": True},
        scoped=True,
    ),
    "notify_contact_restriction": Op("contact_restrictions.write", lambda w: {}, scoped=True),
    "lift_contact_restriction": Op(
        "contact_restrictions.write",
        lambda w: {"lifted_on": date.today().isoformat(), "reason": "Matrix"},
        scoped=True,
    ),
    # R15: who may is a rule of the row (the action's owner or a reviewer; the review's
    # author or a reviewer), checked after the action or participant is found: no role
    # is refused outright, so each answers anything but 403 for an unknown row.
    "complete_review_action": Op(None, lambda w: {}, scoped=True),
    "record_review_sent": Op(
        None, lambda w: {"sent_on": date.today().isoformat(), "format": "standard"}, scoped=True
    ),
    # Inactive: the suite's dispatcher tests must not find the matrix's webhooks.
    "create_webhook": Op(
        "webhooks.manage",
        lambda w: {"url": f"http://127.0.0.1:9/hooks/{uuid.uuid4().hex}", "active": False},
    ),
    "update_webhook": Op("webhooks.manage", lambda w: {}),
    "create_legal_status": Op(
        "legal_statuses.create", lambda w: {"code": "C2", "start_date": "2025-01-01"}, scoped=True
    ),
}

# Reads: open to every role within its scope unless a permission is named.
READS: dict[str, str | None] = {
    "export_person": "people.export",
    "export_audit": "audit.export",
    "list_audit": "audit.read",
    "list_webhooks": "webhooks.manage",
    "get_webhook": "webhooks.manage",
    "list_webhook_deliveries": "webhooks.manage",
    "ssda903_issues": "returns.ssda903",
    "ssda903_return": "returns.ssda903",
}


# A role the table allows that a rule of the row refuses (403) for the matrix's records.
ROW_REFUSALS: dict[tuple[str, str], str] = {
    ("decide_funding_request", "panel_member"): (
        "R6: a child's placement is signed off by a team manager; the funding panel "
        "decides supported living"
    ),
}

# Permissions checked inside an operation guarded by another, for one case of its body.
INNER: dict[str, str] = {
    "panel_bookings.accept_late": "attach_panel_booking_document, a late document (R3)",
    "qa_visits.manage": "request_extra_review of kind qa_visit (R17)",
    "qa_visits.record": "record_review of a qa_visit (R17)",
    "people.external_ids": "create_person / update_person with external_ids (issue 9)",
    "records.external_ids": (
        "create / update of a provider, referral or placement with external_ids (issue 13)"
    ),
}


def contract_operations() -> dict[str, tuple[str, str]]:
    spec = create_app().openapi()
    return {
        op["operationId"]: (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def fill(path: str, op_id: str, w: World) -> str:
    h, s = w.h, w.support
    owner = {
        "upload_referral_document": h.emergency_referral["id"],
        "upload_placement_document": h.placement["id"],
        "upload_support_request_document": s.request["id"],
    }
    values = {
        "person_id": h.person["id"],
        "provider_id": h.provider["id"],
        "vacancy_id": h.vacancy["id"],
        "referral_id": h.emergency_referral["id"],
        "owner_id": owner.get(op_id, ""),
        "match_id": h.match["id"],
        "request_id": h.funding["id"],
        "placement_id": h.placement["id"],
        "booking_id": h.booking["id"],
        "action_id": str(uuid.uuid4()),
        "document_id": h.documents[0]["id"],
        "participant_id": str(uuid.uuid4()),
        "item_id": w.ids["work_item"],
        "support_request_id": s.request["id"],
        "episode_id": s.episode["id"],
        "supervision_id": s.supervision["id"],
        "review_id": h.reviews[0]["id"],
        "restriction_id": h.restriction["id"],
        "webhook_id": w.webhook_id,
        "system": "mosaic",
        "external_id": f"MX{uuid.uuid4().hex[:8]}",
    }
    return path.format(**values)


async def call(caller: Caller, method: str, url: str, op: Op, w: World) -> int:
    if op.multipart is not None:
        response = await caller.post(url, files=PDF, data={"kind": op.multipart})
    else:
        response = await caller.http.request(method, url, headers=caller.headers, json=op.body(w))
    return response.status_code


@pytest.fixture(scope="module")
async def api(backend: Backend) -> AsyncIterator[Api]:
    """The app with loopback webhook targets allowed (development setting): the matrix
    makes a webhook, inactive, to reach the webhook operations."""
    async for client in open_client(backend, webhooks_allow_private=True):
        yield client


async def make_world(api: Api) -> World:
    team = unique_team()
    h = await full_history(api, team)
    support = await make_allocated(api, team)
    hook = await api.as_("admin").post(
        "/v1/webhooks",
        json={"url": f"http://127.0.0.1:9/hooks/{uuid.uuid4().hex}", "active": False},
    )
    assert hook.status_code == 201, hook.text
    team_items = [w for w in h.work if w["assignee"].get("team") == team]
    assert team_items, "a work item owed by the team"
    return World(h, support, hook.json()["id"], {"work_item": team_items[0]["id"]})


def test_every_contract_operation_is_in_the_matrix() -> None:
    operations = contract_operations()
    writes = {k for k, (m, _) in operations.items() if m != "GET"}
    assert writes - set(WRITES) == set(), "a write operation has no entry in WRITES"
    assert set(WRITES) - writes == set(), "WRITES names an operation the contract lacks"
    assert set(READS) <= set(operations), "READS names an operation the contract lacks"
    used = {op.permission for op in WRITES.values()} | {p for p in READS.values() if p}
    used |= set(INNER)
    assert set(PERMISSIONS) - used == set(), "a permission guards no operation"


async def test_every_write_operation_with_every_role(api: Api) -> None:
    w = await make_world(api)
    operations = contract_operations()
    teams = [w.h.team]
    # Casework is further limited to the request's allocated worker (R9).
    subs = {"support_worker": w.support.worker.sub}
    wrong: list[tuple[str, str, int]] = []
    checked = 0
    for op_id, op in WRITES.items():
        method, path = operations[op_id]
        refused = (
            []
            if op.permission is None
            else sorted(r for r in ROLES if not allowed(op.permission, frozenset({r})))
        )
        refused += sorted(r for (o, r) in ROW_REFUSALS if o == op_id and r not in refused)
        permitted = sorted(ROLES - set(refused))
        for role in refused + permitted:  # refused first: allowed calls change the rows
            caller = api.as_(role, teams=teams, sub=subs.get(role))
            status = await call(caller, method, fill(path, op_id, w), op, w)
            checked += 1
            if (status == 403) != (role in refused):
                wrong.append((op_id, role, status))
    print(f"\naccess matrix: {len(WRITES)} operations x {len(ROLES)} roles = {checked} calls")
    assert wrong == [], "\n".join(map(str, wrong))


async def test_out_of_scope_is_404_and_absent_from_lists(api: Api) -> None:
    w = await make_world(api)
    operations = contract_operations()
    outsider_team = unique_team()
    wrong: list[tuple[str, str, int]] = []
    for op_id, op in WRITES.items():
        if not op.scoped:
            continue
        method, path = operations[op_id]
        for role in TEAM_ROLES:
            caller = api.as_(role, teams=[outsider_team])
            status = await call(caller, method, fill(path, op_id, w), op, w)
            if status != 404:
                wrong.append((op_id, role, status))
    assert wrong == [], "\n".join(map(str, wrong))
    for role in TEAM_ROLES:
        outsider = api.as_(role, teams=[outsider_team])
        assert await seen_in_lists(outsider, w.h, outsider_team) == set()


def render() -> str:
    roles = sorted(ROLES)
    operations = contract_operations()
    lines = [
        "# Who may do what",
        "",
        "**Generated** from the one role table, `app/permissions.py`, by",
        "`tests/api/test_access_matrix.py`, which also calls every write operation of the",
        "contract with every role and fails when an answer differs from this page. Regenerate with",
        "`UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_access_matrix.py`.",
        "",
        f"Checked: **{len(WRITES)} write operations x {len(roles)} roles = "
        f"{len(WRITES) * len(roles)} calls** (allowed: not 403; refused: 403), the "
        f"{len(READS)} reads a permission guards with every role too, and every "
        f"scoped one again with each of the {len(TEAM_ROLES)} team-scoped roles from "
        "another team (404, and nothing of the team's in lists, the feed or the work queue).",
        "",
        "Reads are open to every role within its scope unless a permission is named below.",
        f"Roles that work across teams: {', '.join(f'`{r}`' for r in sorted(CROSS_TEAM_ROLES))}; "
        f"the others ({', '.join(f'`{r}`' for r in TEAM_ROLES)}) see only their teams' "
        "people and carers (out of scope answers 404, as if missing).",
        "",
        "## Permissions",
        "",
        "| permission | " + " | ".join(f"`{r}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for name in sorted(PERMISSIONS):
        marks = ["yes" if allowed(name, frozenset({r})) else "" for r in roles]
        lines.append(f"| `{name}` | " + " | ".join(marks) + " |")
    lines += ["", "## Operations", "", "| operation | request | permission |", "|---|---|---|"]
    guarded = {**{k: op.permission for k, op in WRITES.items()}, **READS}
    for op_id in sorted(operations, key=lambda k: (operations[k][1], operations[k][0])):
        method, path = operations[op_id]
        perm = guarded.get(op_id)
        lines.append(
            f"| `{op_id}` | `{method} {path}` | " + (f"`{perm}`" if perm else "any role") + " |"
        )
    lines += ["", "Checked inside an operation guarded by another permission:", ""]
    lines += [f"- `{name}`: {where}" for name, where in sorted(INNER.items())]
    return "\n".join(lines) + "\n"


def test_access_doc_is_generated_from_the_role_table() -> None:
    produced = render()
    if os.environ.get("UPDATE_DOCS") == "1":
        DOC.write_text(produced)
    committed = DOC.read_text() if DOC.is_file() else ""
    assert committed == produced, (
        "docs/access.md is stale: regenerate it with "
        "UPDATE_DOCS=1 .venv/bin/pytest tests/api/test_access_matrix.py"
    )


@pytest.mark.parametrize("role", sorted(ROLES))
def test_principal_of_one_role_matches_the_table(role: str) -> None:
    p = Principal(sub="x", name=None, roles=frozenset({role}), teams=frozenset())
    assert {k for k in PERMISSIONS if p.may(k)} == {k for k, v in PERMISSIONS.items() if role in v}


async def test_every_guarded_read_with_every_role(api: Api) -> None:
    w = await make_world(api)
    operations = contract_operations()
    params = {
        "export_audit": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"},
        "ssda903_issues": {"year": "2026"},
        "ssda903_return": {"year": "2026"},
    }
    wrong: list[tuple[str, str, int]] = []
    for op_id, permission in READS.items():
        assert permission is not None
        _, path = operations[op_id]
        for role in sorted(ROLES):
            caller = api.as_(role, teams=[w.h.team])
            response = await caller.get(fill(path, op_id, w), params=params.get(op_id))
            if (response.status_code == 403) == allowed(permission, frozenset({role})):
                wrong.append((op_id, role, response.status_code))
    print(f"\naccess matrix: {len(READS)} guarded reads x {len(ROLES)} roles")
    assert wrong == [], "\n".join(map(str, wrong))
