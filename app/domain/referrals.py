"""R1 referral lifecycle and R2 emergency referrals (seeds 000, 003).

`draft -> submitted -> matching -> matched -> placed -> closed`, `withdrawn` from any
open state; a supported-living referral passes `panel` between `submitted` and
`matching`; an emergency referral goes from `draft` straight to `matching` (R2).
"""

from __future__ import annotations

from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.statemachine import StateMachine

OPEN_STATES = ("draft", "submitted", "panel", "matching", "matched")

REFERRAL = StateMachine(
    name="referral",
    rule="R1",
    table={
        "draft": {"submit": "submitted", "submit_emergency": "matching", "withdraw": "withdrawn"},
        "submitted": {
            "book_panel": "panel",
            "start_matching": "matching",
            "withdraw": "withdrawn",
        },
        "panel": {
            "panel_approved": "matching",
            "panel_not_approved": "submitted",
            "withdraw": "withdrawn",
        },
        "matching": {
            "match_accepted": "matched",
            "place_emergency": "placed",
            "withdraw": "withdrawn",
        },
        "matched": {"place": "placed", "match_released": "matching", "withdraw": "withdrawn"},
        "placed": {"close": "closed"},
        "closed": {},
        "withdrawn": {},
    },
)

# Services whose referrals pass a practice assurance panel (seed 003).
PANEL_SERVICES = frozenset({"supported_living"})


def needs_panel(service: str) -> bool:
    return service in PANEL_SERVICES


def submit_action(urgency: str, service: str) -> str:
    """R1/R2: an emergency referral skips panel and goes straight to matching."""
    if urgency == "emergency":
        if service == "supported_living":
            raise InvalidInput(
                "Supported living is not for emergencies (seed 003): make a planned referral.",
                rule="R2",
            )
        return "submit_emergency"
    return "submit"


def check_new_referral(urgency: str, service: str) -> None:
    if urgency == "emergency" and service == "supported_living":
        raise InvalidInput(
            "Supported living is not for emergencies (seed 003): make a planned referral.",
            rule="R2",
        )


def start_matching_action(status: str, service: str) -> str | None:
    """The first match proposed moves a referral that needs no panel to `matching`.
    Returns the action to apply, or None when the referral is already matching."""
    if status == "matching":
        return None
    if status == "submitted" and needs_panel(service):
        raise InvalidTransition(
            "A supported living referral must be approved at a practice assurance panel "
            "before matching.",
            rule="R1",
        )
    return "start_matching"
