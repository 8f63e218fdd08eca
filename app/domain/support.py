"""R8 support requests (seed 001): a supervising social worker asks for a placement
support worker for a foster carer household; a practice supervisor decides.

`draft -> submitted -> allocated | not_allocated`; an allocated request is `closed`
when the casework checkpoint answers "no longer required" (R9). Submitting needs a risk
assessment document; allocation opens casework episode 1 and the first supervision.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from app.domain.errors import DomainError, InvalidInput
from app.domain.policy import Policy
from app.domain.statemachine import StateMachine

SUPPORT_REQUEST = StateMachine(
    name="support request",
    rule="R8",
    table={
        "draft": {"submit": "submitted"},
        "submitted": {"allocate": "allocated", "not_allocate": "not_allocated"},
        "allocated": {"close": "closed"},
        "not_allocated": {},
        "closed": {},
    },
)

STATUSES: tuple[str, ...] = ("draft", "submitted", "allocated", "not_allocated", "closed")

# The document seed 001 asks the SSW to upload before the request goes to the team.
REQUIRED_DOCUMENT = "risk_assessment"

# The provider service a support request is for: a foster carer household.
FOSTER_CARE = "foster_care"


class RiskAssessmentRequired(DomainError):
    code = "risk_assessment_required"
    rule = "R8"
    title = "A risk assessment must be uploaded first"


def check_submit(document_kinds: Collection[str]) -> None:
    """R8: a request cannot be submitted without a risk assessment uploaded to it."""
    if REQUIRED_DOCUMENT not in document_kinds:
        raise RiskAssessmentRequired(
            "Upload the risk assessment (kind risk_assessment) to this support request "
            "before submitting it.",
            rule="R8",
        )


def check_provider_service(service: str) -> None:
    """Placement support is for foster carer households only (seed 001)."""
    if service != FOSTER_CARE:
        raise InvalidInput(
            f"Placement support is for foster carers: this provider's service is {service}.",
            rule="R8",
        )


def decision_action(allocated: bool) -> str:
    return "allocate" if allocated else "not_allocate"


def check_nfa_reason(reason: str | None, policy: Policy) -> str:
    """A request not allocated records a reason from the authority's fixed list (R8)."""
    if reason is None or reason not in policy.nfa_reasons:
        raise InvalidInput(
            f"nfa_reason must be one of: {', '.join(policy.nfa_reasons)}.", rule="R8"
        )
    return reason


def first_supervision_due(allocated_on: date, policy: Policy) -> date:
    """R8/R11: the first case supervision falls due this many weeks after allocation."""
    return allocated_on + timedelta(weeks=policy.first_supervision_weeks)
