"""The authority's policy: every number of R18, with DOMAIN.md's values as defaults.

Rules read their numbers from a `Policy`, never from a literal. A deployment can
override any of them in the TOML file named by PLACEMENTS_POLICY_FILE.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DOCUMENT_KINDS: tuple[str, ...] = (
    "risk_assessment",
    "care_and_support_plan",
    "cla_care_plan",
    "placement_plan",
    "support_plan",
    "safety_plan",
    "health_assessment",
    "mental_capacity_assessment",
    "best_interests_decision",
    "financial_assessment",
    "s117_aftercare_plan",
    "positive_behaviour_support_plan",
    "tenancy_agreement",
    # Revision 2: the kinds seeds 000, 002 and 003 name.
    "strengths_based_assessment",
    "practice_assurance_document",
    "placement_agreement",
    "chronology",
    "cla_review_notes",
    "pathway_plan",
    "health_plan",
    "positive_handling_plan",
    "cse_risk_assessment",
    "missing_plan",
    "keyworker_report",
    "other",
)

# One interval of a review schedule: a count and a unit (d, wd, w, m, y), e.g. "28d".
ReviewStage = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,3}(d|wd|w|m|y)$")]

SERVICES: tuple[str, ...] = ("foster_care", "residential", "supported_living", "shared_lives")


def _default_required_documents() -> dict[str, list[str]]:
    # Seed 003: the practice assurance panel needs the care and support plan and
    # the risk assessment; the rest of its list is "if relevant".
    return {"supported_living": ["care_and_support_plan", "risk_assessment"]}


def _default_admission_documents() -> dict[str, list[str]]:
    # R21, seed 002: what a children's home needs before it admits a child.
    return {"residential": ["placement_plan", "cla_care_plan", "risk_assessment"]}


def _default_nfa_reasons() -> list[str]:
    # Seed 001 names no list; these are the reasons practice supervisors record.
    return [
        "needs_met_by_supervising_social_worker",
        "support_available_elsewhere",
        "carer_declined_support",
        "placement_ended",
        "insufficient_capacity",
        "other",
    ]


class Policy(BaseModel):
    """The R18 numbers in force. Frozen: rules receive it, never change it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uk_nation: Literal["england-and-wales", "scotland", "northern-ireland"] = "england-and-wales"
    timezone: str = "Europe/London"
    # R3: documents for a practice assurance panel, working days before the panel.
    panel_document_working_days: int = Field(default=3, ge=0, le=30)
    panel_required_documents: dict[str, list[str]] = Field(
        default_factory=_default_required_documents
    )
    # R9: contacts in one casework episode before the checkpoint.
    casework_contacts_per_episode: int = Field(default=10, ge=1, le=100)
    # R8/R11: first supervision after allocation; the two cadences.
    first_supervision_weeks: int = Field(default=4, ge=1, le=52)
    supervision_short_weeks: int = Field(default=4, ge=1, le=52)
    supervision_long_weeks: int = Field(default=8, ge=1, le=52)
    nfa_reasons: list[str] = Field(default_factory=_default_nfa_reasons, min_length=1)
    # R12: CLA reviews as stages: the first from the placement start, each next from the
    # date the previous one was held, the last stage repeating. "28d" days, "20wd" working
    # days (over the nation's bank holidays), "8w" weeks, "3m" months, "1y" years.
    cla_review_stages: list[ReviewStage] = Field(
        default_factory=lambda: ["28d", "3m"], min_length=1, max_length=10
    )
    # R13: residential support plan reviews.
    support_plan_review_interval_months: int = Field(default=1, ge=1, le=12)
    # R14: adults' care and support reviews (Shared Lives, supported living), as stages.
    adult_review_stages: list[ReviewStage] = Field(
        default_factory=lambda: ["8w", "12m"], min_length=1, max_length=10
    )
    # R15: days the review's author has to send the record to a participant without an
    # account, in the participant's format (seed 004: "in a timely manner").
    review_record_send_days: int = Field(default=10, ge=0, le=90)
    # R16: notify the placing authority after an emergency contact restriction.
    contact_restriction_notify_hours: int = Field(default=24, ge=1, le=168)
    # R17: QA visits of external placements.
    qa_visit_interval_months: int = Field(default=12, ge=1, le=36)
    # R2: the team whose duty officer picks up emergency referrals (work items go here).
    placements_team: str = Field(default="placements", min_length=1, max_length=100)
    # R6/R2 follow-ups: days after an emergency placement to submit funding / make the call.
    emergency_funding_submit_days: int = Field(default=1, ge=0, le=30)
    courtesy_call_days: int = Field(default=1, ge=0, le=30)
    # R2: an emergency placement starts today, or up to this many days before (recorded
    # the morning after an out-of-hours placement).
    emergency_backdate_days: int = Field(default=1, ge=0, le=7)
    # R2 follow-ups: days after the placement to alert the TAC duty worker, inform the
    # child's social worker and review whether the placement can sustain.
    tac_duty_alert_days: int = Field(default=0, ge=0, le=30)
    csw_inform_days: int = Field(default=0, ge=0, le=30)
    sustainability_review_days: int = Field(default=7, ge=0, le=90)
    # R6: working days to decide a submitted funding request (its work item's due date).
    funding_decision_working_days: int = Field(default=2, ge=0, le=30)
    # R18 hand-offs: working days for the placements team to triage a submitted planned
    # referral, to complete a match's costings, for an author to resubmit a returned
    # request, to act on a rejected emergency request, and to record arranging support.
    triage_working_days: int = Field(default=1, ge=0, le=30)
    costings_working_days: int = Field(default=5, ge=0, le=30)
    funding_resubmit_working_days: int = Field(default=5, ge=0, le=30)
    funding_rejected_working_days: int = Field(default=1, ge=0, le=30)
    arranging_support_working_days: int = Field(default=2, ge=0, le=30)
    # R6: the team that picks up supported living funding decisions (the funding panel).
    funding_panel_team: str = Field(default="funding-panel", min_length=1, max_length=100)
    # R20: supported living is for adults of this age or over (seed 003: "For 26+").
    supported_living_min_age: int = Field(default=26, ge=18, le=120)
    # R21: documents a home needs on the referral before a planned admission, by service.
    admission_required_documents: dict[str, list[str]] = Field(
        default_factory=_default_admission_documents
    )
    # The SSDA903 return: the Ofsted URN of the council's own fostering service, the URN
    # of every in-house foster placement.
    fostering_service_urn: str | None = Field(default=None, pattern=r"^(SC[0-9]{6}|[0-9]{6,7})$")

    def required_documents(self, service: str) -> list[str]:
        return list(self.panel_required_documents.get(service, []))

    def admission_documents(self, service: str) -> list[str]:
        return list(self.admission_required_documents.get(service, []))
