"""The shared enums, each one named schema in the contract (issue 13).

Each is a `TypeAliasType` over a `Literal`: pydantic emits it once, as a component schema
of its own name, and every field, query parameter and event `data` that takes it refers
to it, so generated clients have one `Cohort`, one `ReferralStatus`, ... (not one per
field). Two enums with the same values are one enum: a review's and a supervision's
status are both `MeetingStatus`.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypeAliasType

Cohort = TypeAliasType("Cohort", Literal["child", "adult"])
Service = TypeAliasType(
    "Service", Literal["foster_care", "residential", "supported_living", "shared_lives"]
)
Urgency = TypeAliasType("Urgency", Literal["planned", "emergency"])
ReferralStatus = TypeAliasType(
    "ReferralStatus",
    Literal["draft", "submitted", "panel", "matching", "matched", "placed", "closed", "withdrawn"],
)
MatchStatus = TypeAliasType(
    "MatchStatus",
    Literal["proposed", "contacted", "assessing", "accepted", "declined", "withdrawn"],
)
FundingStatus = TypeAliasType(
    "FundingStatus",
    Literal["draft", "submitted", "approved", "rejected", "returned", "superseded"],
)
FundingOutcome = TypeAliasType("FundingOutcome", Literal["approved", "rejected", "returned"])
PlacementStatus = TypeAliasType("PlacementStatus", Literal["active", "ended"])
VacancyStatus = TypeAliasType("VacancyStatus", Literal["open", "held", "filled"])
SupportRequestStatus = TypeAliasType(
    "SupportRequestStatus",
    Literal["draft", "submitted", "allocated", "not_allocated", "closed"],
)
EpisodeStatus = TypeAliasType(
    "EpisodeStatus", Literal["open", "checkpoint_due", "continued", "closed"]
)
# A review's and a supervision's status: the same values, so one enum.
MeetingStatus = TypeAliasType("MeetingStatus", Literal["scheduled", "held", "cancelled"])
ReviewKind = TypeAliasType(
    "ReviewKind", Literal["cla", "support_plan", "shared_lives", "care_and_support", "qa_visit"]
)
RestrictionStatus = TypeAliasType("RestrictionStatus", Literal["active", "lifted"])
PanelKind = TypeAliasType("PanelKind", Literal["practice_assurance", "funding"])
PanelBookingStatus = TypeAliasType("PanelBookingStatus", Literal["booked", "decided"])
PanelOutcome = TypeAliasType(
    "PanelOutcome", Literal["approved", "approved_with_actions", "deferred", "declined"]
)
Met = TypeAliasType("Met", Literal["fully", "partly", "not_met"])
RecordFormat = TypeAliasType(
    "RecordFormat",
    Literal["standard", "easy_read", "large_print", "translated", "audio", "braille"],
)
# The note types on a person's record. Direct work with the child by a placement support
# worker is `psw_direct_work_with_child` (seed 001), never a casework contact.
CaseNoteType = TypeAliasType(
    "CaseNoteType",
    Literal[
        "psw_direct_work_with_child",
        "general",
        "visit",
        "phone_call",
        "meeting",
        "safeguarding",
        "health",
        "education",
        "placement",
        "other",
    ],
)
ContactMethod = TypeAliasType(
    "ContactMethod", Literal["visit", "phone", "video", "message", "other"]
)
FollowUpKind = TypeAliasType(
    "FollowUpKind",
    Literal[
        "placement_confirmed",
        "tac_duty_alerted",
        "csw_informed",
        "funding_request_submitted",
        "courtesy_call",
        "sustainability_reviewed",
        "admission_documents",
    ],
)
RecordedFollowUpKind = TypeAliasType(
    "RecordedFollowUpKind", Literal["tac_duty_alerted", "csw_informed", "sustainability_reviewed"]
)
SustainabilityOutcome = TypeAliasType("SustainabilityOutcome", Literal["sustain", "plan_move"])
SupervisionOutcome = TypeAliasType(
    "SupervisionOutcome", Literal["next_in_4_weeks", "next_in_8_weeks", "service_ended"]
)
DeliveryStatus = TypeAliasType("DeliveryStatus", Literal["pending", "succeeded", "failed", "dead"])
WorkState = TypeAliasType("WorkState", Literal["upcoming", "due", "overdue"])
