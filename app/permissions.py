"""Who may do what: one table, the roles of DOMAIN.md, the rows of API.md.

Reads are open to every role within its scope; writes need a role listed here.
Operations not in the table are refused (deny by default).
"""

from __future__ import annotations

ROLES: frozenset[str] = frozenset(
    {
        "practitioner",
        "placements_officer",
        "placements_manager",
        "team_manager",
        "supervising_social_worker",
        "practice_supervisor",
        "support_worker",
        "panel_member",
        "reviewer",
        "integration",
        "admin",
    }
)

# Roles that work across teams: they see every person's records.
CROSS_TEAM_ROLES: frozenset[str] = frozenset(
    {
        "placements_officer",
        "placements_manager",
        "panel_member",
        "team_manager",
        "reviewer",
        "integration",
        "admin",
    }
)

PLACEMENTS = frozenset({"placements_officer", "placements_manager"})


def _r(*roles: str) -> frozenset[str]:
    unknown = set(roles) - ROLES
    assert not unknown, unknown
    return frozenset(roles)


P = PLACEMENTS

PERMISSIONS: dict[str, frozenset[str]] = {
    # Foundation
    "people.create": _r("practitioner", *P, "admin"),
    "people.update": _r("practitioner", *P, "admin"),
    "people.upsert_external": _r("integration", "admin"),
    # Setting external ids in a create or patch body: others get 403 (no existence oracle
    # for other teams' Mosaic ids through external_id_taken).
    "people.external_ids": _r("integration", "admin"),
    "providers.write": _r(*P, "admin"),
    # External ids of providers, referrals and placements in a body; upserts by them.
    "records.external_ids": _r("integration", "admin"),
    "providers.upsert_external": _r("integration", "admin"),
    "referrals.upsert_external": _r("integration", "admin"),
    "vacancies.write": _r(*P, "admin"),
    "work.acknowledge": _r(*ROLES),  # further limited to the item's assignee
    "work.assign": _r("team_manager", "practice_supervisor", "placements_manager"),
    "audit.read": _r("admin"),
    "audit.export": _r("admin"),
    "people.export": _r("admin"),  # subject access (R19)
    "webhooks.manage": _r("admin"),
    # Pathway (R1-R7)
    "panels.write": _r(*P, "admin", "panel_member"),
    "referrals.create": _r("practitioner"),
    "referrals.update": _r("practitioner"),
    "referrals.submit": _r("practitioner"),
    "referrals.withdraw": _r("practitioner", *P),
    "referrals.close": _r("practitioner", *P),
    "documents.upload": _r("practitioner", *P),
    "documents.assure": _r("team_manager"),
    "support_documents.upload": _r("supervising_social_worker"),
    "panel_bookings.create": _r("practitioner", *P),
    "panel_bookings.decide": _r("panel_member"),
    "panel_bookings.accept_late": _r("panel_member"),
    "panel_bookings.attach": _r("practitioner", *P, "panel_member"),
    "panel_actions.complete": _r("practitioner", "panel_member", *P),
    "matches.write": _r(*P),
    "funding.write": _r(*P, "practitioner"),
    "funding.decide": _r("team_manager", "panel_member"),
    "placements.write": _r(*P),
    "contact_restrictions.write": _r(*P, "practitioner", "reviewer"),
    # Placement support (R8-R11)
    "support_requests.create": _r("supervising_social_worker"),
    "support_requests.submit": _r("supervising_social_worker"),
    "support_requests.decide": _r("practice_supervisor"),
    "casework.contact": _r("support_worker", "practice_supervisor"),
    "casework.checkpoint": _r("support_worker", "practice_supervisor"),
    "case_notes.create": _r(
        "practitioner", "support_worker", "supervising_social_worker", *P, "reviewer"
    ),
    "supervisions.record": _r("practice_supervisor"),
    # Reviews (R12-R17)
    "reviews.record": _r("reviewer"),
    "reviews.request_extra": _r("reviewer", "placements_manager", "practitioner"),
    "qa_visits.manage": _r("placements_manager"),
    "qa_visits.record": _r(*P),
    # Statutory returns
    "legal_statuses.create": _r("practitioner", *P, "admin"),
    "returns.ssda903": _r("placements_manager", "admin"),
}


def allowed(operation: str, roles: frozenset[str]) -> bool:
    return bool(PERMISSIONS.get(operation, frozenset()) & roles)
