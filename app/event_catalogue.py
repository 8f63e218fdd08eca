"""The event catalogue: every event type the service emits, what it means, its subject and
the schema of its `data` (API.md revision 2: "every event type and its `data` schema is in
the contract's OpenAPI 3.1 `webhooks` section"; R19).

`data` is uniform across types: the subject's own id as `<subject type>_id`, related
records' ids as `<thing>_id` (`<thing>_ids` for lists), a status change as `from`/`to`,
an update as `changed` (field names), and a few codes, dates and counts of the work;
never personal data (`app.event_data` is the R19 gate in front of this one). Every key a
type declares is always present (null when it does not apply), and no other key is.

`UnitOfWork.emit` passes every event through `conformed`: under
`PLACEMENTS_EVENT_DATA_STRICT=true` (the test suite) an uncatalogued type, a missing key
or an extra key raises `EventNotInCatalogue`, so the whole suite checks the catalogue is
true; in production the event is kept with the keys its type declares, and what did not
fit is logged (key names only, never values), never a 500. The data `UnitOfWork.record`
derives from a change's snapshots (`app.event_data.thin`) is cut to the keys the type
declares first (`derived`): a snapshot holds more than the feed should carry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app import event_data
from app.schemas.enums import (
    Cohort,
    ContactMethod,
    EpisodeStatus,
    FundingStatus,
    MatchStatus,
    MeetingStatus,
    PanelBookingStatus,
    PanelKind,
    PanelOutcome,
    PlacementStatus,
    RecordedFollowUpKind,
    ReferralStatus,
    RestrictionStatus,
    ReviewKind,
    Service,
    SupervisionOutcome,
    SupportRequestStatus,
    SustainabilityOutcome,
    Urgency,
    VacancyStatus,
)

log = structlog.get_logger("placements.events")


class EventNotInCatalogue(ValueError):
    """An event whose type is not catalogued or whose data does not fit its type's schema."""


class EventData(BaseModel):
    """The base of every type's data: no key outside the schema, every declared key sent."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )


# --- reusable parts ------------------------------------------------------------------------

Changed = list[str]
CHANGED_DOC = "The names of the fields that changed: read the record for their new values."


def _changed() -> Any:
    return Field(description=CHANGED_DOC)


def _from(doc: str = "The status before.") -> Any:
    return Field(alias="from", description=doc)


def _to(doc: str = "The status after.") -> Any:
    return Field(alias="to", description=doc)


SYSTEM_DOC = "The external system whose id the change came by (an upsert), else null."

SupportStatus = SupportRequestStatus
SupervisionStatus = MeetingStatus
ReviewStatus = MeetingStatus


# --- people and providers -----------------------------------------------------------------


class PersonCreated(EventData):
    person_id: uuid.UUID
    cohort: Cohort
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class PersonUpdated(EventData):
    person_id: uuid.UUID
    changed: Changed = _changed()
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class PersonTransferred(EventData):
    person_id: uuid.UUID
    from_: str = _from("The team the person's records moved from.")
    to: str = _to("The team they moved to: it has them and everything about them now.")


class LegalStatusCreated(EventData):
    legal_status_id: uuid.UUID
    person_id: uuid.UUID


class ProviderCreated(EventData):
    provider_id: uuid.UUID
    service: Service
    on_emergency_rota: bool
    external: bool
    active: bool
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class ProviderUpdated(EventData):
    provider_id: uuid.UUID
    changed: Changed = _changed()
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class VacancyCreated(EventData):
    vacancy_id: uuid.UUID
    provider_id: uuid.UUID
    status: VacancyStatus
    available_from: date | None = None


class VacancyUpdated(EventData):
    vacancy_id: uuid.UUID
    provider_id: uuid.UUID
    changed: Changed = _changed()


class VacancyStatusChanged(EventData):
    vacancy_id: uuid.UUID
    provider_id: uuid.UUID
    from_: VacancyStatus = _from()
    to: VacancyStatus = _to()


# --- referrals ----------------------------------------------------------------------------


class ReferralCreated(EventData):
    referral_id: uuid.UUID
    person_id: uuid.UUID
    urgency: Urgency
    service: Service
    status: ReferralStatus
    previous_referral_id: uuid.UUID | None = Field(
        default=None, description="The referral a planned move was raised from (R2)."
    )
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class ReferralUpdated(EventData):
    referral_id: uuid.UUID
    person_id: uuid.UUID
    changed: Changed = _changed()
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class ReferralMoved(EventData):
    referral_id: uuid.UUID
    person_id: uuid.UUID
    from_: ReferralStatus = _from()
    to: ReferralStatus = _to()
    action: str = Field(description="The R1 transition taken, e.g. `submit`, `withdraw`.")


class ReferralSubmitted(ReferralMoved):
    urgency: Urgency
    service: Service
    status: ReferralStatus


class ReferralStatusChanged(ReferralMoved):
    """Its cause: the ids of the record whose action moved the referral (null otherwise)."""

    booking_id: uuid.UUID | None = Field(default=None, description="The panel booking.")
    panel_id: uuid.UUID | None = None
    outcome: PanelOutcome | None = Field(default=None, description="The panel's decision.")
    match_id: uuid.UUID | None = None
    placement_id: uuid.UUID | None = None


class ReferralFollowUpRecorded(EventData):
    referral_id: uuid.UUID
    follow_up_id: uuid.UUID
    kind: RecordedFollowUpKind
    outcome: SustainabilityOutcome | None = None
    planned_referral_id: uuid.UUID | None = Field(
        default=None, description="The draft planned referral `plan_move` raised (R2)."
    )


# --- panels -------------------------------------------------------------------------------


class PanelCreated(EventData):
    panel_id: uuid.UUID
    kind: PanelKind


class PanelBookingCreated(EventData):
    panel_booking_id: uuid.UUID
    referral_id: uuid.UUID
    panel_id: uuid.UUID
    panel_date: date
    status: PanelBookingStatus
    documents_due_on: date | None = None
    funding_request_id: uuid.UUID | None = None
    missing_documents: list[str] = Field(description="Document kinds still to attach (R3).")


class PanelBookingDocumentAttached(EventData):
    panel_booking_id: uuid.UUID
    referral_id: uuid.UUID
    document_id: uuid.UUID
    kind: str | None = Field(default=None, description="The document's kind.")
    late: bool
    accepted_late_by: str | None = Field(
        default=None, description="Who accepted it after the deadline (R3), else null."
    )
    missing_documents: list[str] = Field(description="Document kinds still to attach (R3).")


class PanelBookingDecided(EventData):
    panel_booking_id: uuid.UUID
    referral_id: uuid.UUID
    from_: PanelBookingStatus = _from()
    to: PanelBookingStatus = _to()
    outcome: PanelOutcome
    referral_status: ReferralStatus
    action_ids: list[uuid.UUID] = Field(description="The panel actions set (R4).")


class PanelActionCompleted(EventData):
    panel_action_id: uuid.UUID
    booking_id: uuid.UUID
    referral_id: uuid.UUID
    outstanding: int = Field(description="How many of the booking's actions remain (R4).")


# --- matching, funding, placements ----------------------------------------------------------


class MatchProposed(EventData):
    match_id: uuid.UUID
    referral_id: uuid.UUID
    person_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    status: MatchStatus


class MatchMoved(EventData):
    match_id: uuid.UUID
    referral_id: uuid.UUID
    person_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    from_: MatchStatus = _from()
    to: MatchStatus = _to()


class FundingRequestCreated(EventData):
    funding_request_id: uuid.UUID
    referral_id: uuid.UUID
    person_id: uuid.UUID
    match_id: uuid.UUID | None = None
    placement_id: uuid.UUID | None = None
    emergency: bool
    status: FundingStatus


class FundingRequestUpdated(EventData):
    funding_request_id: uuid.UUID
    referral_id: uuid.UUID
    changed: Changed = _changed()


class FundingRequestMoved(EventData):
    funding_request_id: uuid.UUID
    referral_id: uuid.UUID
    match_id: uuid.UUID | None = None
    placement_id: uuid.UUID | None = None
    from_: FundingStatus = _from()
    to: FundingStatus = _to()


class PlacementConfirmed(EventData):
    placement_id: uuid.UUID
    person_id: uuid.UUID
    referral_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    match_id: uuid.UUID | None = None
    status: PlacementStatus
    start_date: date
    emergency: bool
    cohort: Cohort
    provider_service: Service
    external: bool = Field(description="The provider is external (R17 QA visits apply).")


class PlacementUpdated(EventData):
    placement_id: uuid.UUID
    changed: Changed = _changed()
    system: str | None = Field(default=None, description=SYSTEM_DOC)


class PlacementChanged(EventData):
    placement_id: uuid.UUID
    person_id: uuid.UUID
    referral_id: uuid.UUID
    changed: Changed = _changed()


class PlacementCourtesyCallMade(EventData):
    placement_id: uuid.UUID
    person_id: uuid.UUID
    referral_id: uuid.UUID
    courtesy_call_on: date


class PlacementEnded(EventData):
    placement_id: uuid.UUID
    person_id: uuid.UUID
    referral_id: uuid.UUID
    provider_id: uuid.UUID
    vacancy_id: uuid.UUID | None = None
    from_: PlacementStatus = _from()
    to: PlacementStatus = _to()
    end_date: date


class DocumentUploaded(EventData):
    document_id: uuid.UUID
    owner_type: str = Field(description="What it is attached to: `referral`, `placement`, ...")
    owner_id: uuid.UUID
    kind: str | None = Field(default=None, description="The document's kind.")


class DocumentAssured(DocumentUploaded):
    changed: Changed = _changed()


# --- placement support, casework, supervision ----------------------------------------------


class SupportRequestCreated(EventData):
    support_request_id: uuid.UUID
    provider_id: uuid.UUID
    status: SupportStatus


class SupportRequestMoved(EventData):
    support_request_id: uuid.UUID
    provider_id: uuid.UUID
    from_: SupportStatus = _from()
    to: SupportStatus = _to()


class SupportRequestAllocated(SupportRequestMoved):
    allocated_on: date
    support_worker: str = Field(description="The support worker's staff id.")
    casework_episode_id: uuid.UUID
    supervision_id: uuid.UUID = Field(description="The first supervision scheduled (R11).")
    supervision_due_on: date


class SupportRequestClosed(EventData):
    support_request_id: uuid.UUID
    from_: SupportStatus = _from()
    to: SupportStatus = _to()
    reason_code: str = Field(description="Why it closed, e.g. `supervision_service_ended`.")


class CaseworkEpisodeOpened(EventData):
    casework_episode_id: uuid.UUID
    support_request_id: uuid.UUID
    sequence: int
    support_worker: str
    status: EpisodeStatus
    previous_episode_id: uuid.UUID | None = None


class CaseworkEpisodeCheckpointDue(EventData):
    casework_episode_id: uuid.UUID
    support_request_id: uuid.UUID
    sequence: int
    contact_count: int
    support_worker: str
    from_: EpisodeStatus = _from()
    to: EpisodeStatus = _to()


class CaseworkEpisodeAnswered(EventData):
    casework_episode_id: uuid.UUID
    support_request_id: uuid.UUID
    sequence: int
    contact_count: int
    from_: EpisodeStatus = _from()
    to: EpisodeStatus = _to()
    still_required: bool
    next_episode_id: uuid.UUID | None = Field(
        default=None, description="The episode opened to continue the support (R9)."
    )
    completed_by: str | None = None
    at_supervision: bool = Field(
        default=False, description="Ended at a supervision whose outcome ended the service."
    )


class CaseworkContactRecorded(EventData):
    casework_contact_id: uuid.UUID
    episode_id: uuid.UUID
    support_request_id: uuid.UUID
    number: int = Field(description="The contact's number in its episode (R9).")
    contact_on: date
    method: ContactMethod


class SupervisionScheduled(EventData):
    supervision_id: uuid.UUID
    support_request_id: uuid.UUID
    casework_episode_id: uuid.UUID | None = None
    support_worker: str
    due_on: date
    status: SupervisionStatus
    previous_supervision_id: uuid.UUID | None = None


class SupervisionHeld(EventData):
    supervision_id: uuid.UUID
    support_request_id: uuid.UUID
    support_worker: str
    from_: SupervisionStatus = _from()
    to: SupervisionStatus = _to()
    held_on: date
    outcome: SupervisionOutcome
    next_supervision_id: uuid.UUID | None = None
    next_due_on: date | None = None


class SupervisionCancelled(EventData):
    supervision_id: uuid.UUID
    support_request_id: uuid.UUID
    support_worker: str
    from_: SupervisionStatus = _from()
    to: SupervisionStatus = _to()
    reason_code: str


# --- reviews, restrictions, notes, work ----------------------------------------------------


class ReviewScheduled(EventData):
    review_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    kind: ReviewKind
    rule: str = Field(description="The rule that sets it (R12-R15, R17).")
    due_on: date
    sequence: int
    status: ReviewStatus
    extra: bool = Field(description="An extra review asked for (R14/R17), not the schedule's.")
    previous_review_id: uuid.UUID | None = None


class ReviewCancelled(EventData):
    review_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    kind: ReviewKind
    from_: ReviewStatus = _from()
    to: ReviewStatus = _to()


class ReviewHeld(EventData):
    review_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    kind: ReviewKind
    from_: ReviewStatus = _from()
    to: ReviewStatus = _to()
    held_on: date
    next_review_id: uuid.UUID | None = None
    action_ids: list[uuid.UUID]
    participant_ids: list[uuid.UUID]


class ReviewActionCompleted(EventData):
    review_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    action_id: uuid.UUID


class ReviewRecordSent(EventData):
    review_id: uuid.UUID
    participant_id: uuid.UUID
    sent_on: date
    format: str = Field(description="How the record was sent to the participant.")


class ContactRestrictionImposed(EventData):
    contact_restriction_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    emergency: bool
    status: RestrictionStatus
    imposed_at: datetime
    notify_by: datetime | None = Field(
        default=None, description="When the placing authority must be told (R16)."
    )


class ContactRestrictionNotified(EventData):
    contact_restriction_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    changed: Changed = _changed()


class ContactRestrictionLifted(EventData):
    contact_restriction_id: uuid.UUID
    placement_id: uuid.UUID
    person_id: uuid.UUID
    from_: RestrictionStatus = _from()
    to: RestrictionStatus = _to()
    lifted_on: date


class CaseNoteCreated(EventData):
    case_note_id: uuid.UUID
    person_id: uuid.UUID
    type: str = Field(description="The note's type, e.g. `visit`, `safeguarding`.")
    alerts: list[str] = Field(description="Staff ids alerted to the note (R10).")


class WorkItemRef(EventData):
    type: str
    id: uuid.UUID


class WorkItemAcknowledged(EventData):
    work_item_id: uuid.UUID
    kind: str
    rule: str


class WorkItemAssigned(WorkItemAcknowledged):
    changed: Changed = _changed()


class WorkItemOverdue(WorkItemAcknowledged):
    subject: WorkItemRef = Field(description="The record the item is about.")


# --- the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    name: str
    subject: str
    summary: str
    data: type[EventData]


def _types() -> dict[str, EventType]:
    rows: list[tuple[str, str, type[EventData]]] = [
        (
            "person.created",
            "A person was added (by POST or an upsert by external id).",
            PersonCreated,
        ),
        ("person.updated", "A person's fields or external ids changed.", PersonUpdated),
        (
            "person.transferred",
            "A person and every record about them moved to another team.",
            PersonTransferred,
        ),
        (
            "legal_status.created",
            "A child's legal status was recorded (SSDA903).",
            LegalStatusCreated,
        ),
        ("provider.created", "A provider was added.", ProviderCreated),
        ("provider.updated", "A provider's fields changed.", ProviderUpdated),
        ("vacancy.created", "A provider's vacancy was added.", VacancyCreated),
        ("vacancy.updated", "A vacancy's fields changed.", VacancyUpdated),
        (
            "vacancy.status_changed",
            "A match or placement held, filled or reopened a vacancy (R5, R7).",
            VacancyStatusChanged,
        ),
        ("referral.created", "A draft referral was made.", ReferralCreated),
        ("referral.updated", "A referral's fields changed.", ReferralUpdated),
        (
            "referral.submitted",
            "A referral was submitted (R1; an emergency one goes straight to matching, R2).",
            ReferralSubmitted,
        ),
        ("referral.withdrawn", "A referral was withdrawn (R1).", ReferralMoved),
        ("referral.closed", "A referral was closed (R1, R2).", ReferralMoved),
        (
            "referral.status_changed",
            "Another area's action moved the referral: a panel booking or decision, a match,"
            " a placement.",
            ReferralStatusChanged,
        ),
        (
            "referral.follow_up_recorded",
            "A duty-tracker follow-up of an emergency placement was recorded (R2).",
            ReferralFollowUpRecorded,
        ),
        ("panel.created", "A panel meeting was added.", PanelCreated),
        (
            "panel_booking.created",
            "A referral or funding request was booked into a panel (R3).",
            PanelBookingCreated,
        ),
        (
            "panel_booking.document_attached",
            "A document was attached to a panel booking (R3).",
            PanelBookingDocumentAttached,
        ),
        ("panel_booking.decided", "The panel decided a booking (R3, R4).", PanelBookingDecided),
        ("panel_action.completed", "A panel action was done (R4).", PanelActionCompleted),
        (
            "match.proposed",
            "A provider (and vacancy) was proposed for a referral (R5).",
            MatchProposed,
        ),
        ("match.contacted", "The provider of a match was contacted (R5).", MatchMoved),
        ("match.assessing", "The provider is assessing the match (R5).", MatchMoved),
        ("match.accepted", "The match was accepted: its vacancy is held (R5).", MatchMoved),
        ("match.declined", "The match was declined (R5).", MatchMoved),
        (
            "match.withdrawn",
            "The match was withdrawn, by hand or because its referral moved on (R5, R7).",
            MatchMoved,
        ),
        ("funding_request.created", "A funding request was drafted (R6).", FundingRequestCreated),
        (
            "funding_request.updated",
            "A draft or returned funding request's fields changed (R6).",
            FundingRequestUpdated,
        ),
        (
            "funding_request.submitted",
            "A funding request was submitted for decision (R6).",
            FundingRequestMoved,
        ),
        ("funding_request.approved", "A funding request was approved (R6).", FundingRequestMoved),
        ("funding_request.rejected", "A funding request was rejected (R6).", FundingRequestMoved),
        (
            "funding_request.returned",
            "A funding request was returned to its author (R6).",
            FundingRequestMoved,
        ),
        (
            "funding_request.superseded",
            "Its match was released, so the request no longer stands (R6).",
            FundingRequestMoved,
        ),
        ("placement.confirmed", "A placement was confirmed (R7).", PlacementConfirmed),
        ("placement.updated", "A placement's fields changed.", PlacementUpdated),
        (
            "placement.arranging_support_recorded",
            "The placement was sent to Arranging Support (R22).",
            PlacementChanged,
        ),
        (
            "placement.courtesy_call_made",
            "The courtesy call of an emergency placement was made (R2).",
            PlacementCourtesyCallMade,
        ),
        ("placement.ended", "A placement ended (R7).", PlacementEnded),
        ("document.uploaded", "A document was uploaded.", DocumentUploaded),
        ("document.assured", "A team manager quality-assured a document (R3).", DocumentAssured),
        (
            "support_request.created",
            "A placement support request was drafted (R8).",
            SupportRequestCreated,
        ),
        ("support_request.submitted", "A support request was submitted (R8).", SupportRequestMoved),
        (
            "support_request.allocated",
            "A support worker was allocated: casework and supervision begin (R8, R9, R11).",
            SupportRequestAllocated,
        ),
        (
            "support_request.not_allocated",
            "The support request was decided with no further action (R8).",
            SupportRequestMoved,
        ),
        ("support_request.closed", "The support ended (R9, R11).", SupportRequestClosed),
        (
            "casework_episode.opened",
            "A casework episode of up to 10 contacts opened (R9).",
            CaseworkEpisodeOpened,
        ),
        (
            "casework_episode.checkpoint_due",
            "The episode reached its contact limit: is support still required? (R9)",
            CaseworkEpisodeCheckpointDue,
        ),
        (
            "casework_episode.continued",
            "The checkpoint was answered: support continues in a new episode (R9).",
            CaseworkEpisodeAnswered,
        ),
        (
            "casework_episode.closed",
            "The checkpoint was answered (or a supervision ended the service): the episode"
            " closed (R9, R11).",
            CaseworkEpisodeAnswered,
        ),
        (
            "casework_contact.recorded",
            "A casework contact was recorded (R9).",
            CaseworkContactRecorded,
        ),
        ("supervision.scheduled", "A case supervision was scheduled (R11).", SupervisionScheduled),
        ("supervision.held", "A case supervision was held (R11).", SupervisionHeld),
        (
            "supervision.cancelled",
            "A scheduled supervision was cancelled because the support ended (R11).",
            SupervisionCancelled,
        ),
        ("review.scheduled", "A review was scheduled (R12-R15, R17).", ReviewScheduled),
        ("review.requested", "An extra review was asked for (R14, R17).", ReviewScheduled),
        ("review.held", "A review was held and recorded (R15).", ReviewHeld),
        (
            "review.cancelled",
            "A scheduled review was cancelled (its placement ended or moved).",
            ReviewCancelled,
        ),
        (
            "review.action_completed",
            "An action set at a review was done (R15).",
            ReviewActionCompleted,
        ),
        (
            "review.record_sent",
            "A review's record was sent to a participant (R15).",
            ReviewRecordSent,
        ),
        (
            "contact_restriction.imposed",
            "A restriction of a child's contact was imposed (R16).",
            ContactRestrictionImposed,
        ),
        (
            "contact_restriction.notified",
            "The placing authority was told of a restriction (R16).",
            ContactRestrictionNotified,
        ),
        (
            "contact_restriction.lifted",
            "A contact restriction was lifted (R16).",
            ContactRestrictionLifted,
        ),
        ("case_note.created", "A case note was added to a person's record (R10).", CaseNoteCreated),
        (
            "work_item.acknowledged",
            "Its assignee acknowledged a work item (R18).",
            WorkItemAcknowledged,
        ),
        (
            "work_item.assigned",
            "A work item was reassigned to another user or team (R18).",
            WorkItemAssigned,
        ),
        (
            "work_item.overdue",
            "A work item became overdue: emitted once, by the worker (R18).",
            WorkItemOverdue,
        ),
    ]
    return {
        name: EventType(name, name.split(".")[0], summary, model) for name, summary, model in rows
    }


CATALOGUE: dict[str, EventType] = _types()

# What a `data` key means where its type's schema gives no description of its own: one
# meaning per name, the same in every type (docs/integrating.md is made from these).
MEANINGS: dict[str, str] = {
    "status": "The record's status after the change.",
    "kind": "The record's kind (a review's, panel's, document's or work item's kind).",
    "rule": "The DOMAIN.md rule the work item serves, e.g. `R3`.",
    "sequence": "Its number in order: the episode's, or the review's for the placement.",
    "support_worker": "The allocated support worker's user id (`sub`).",
    "service": "The service asked for or given.",
    "provider_service": "The service the provider gives.",
    "outcome": "The outcome decided.",
    "emergency": "Whether it is an emergency (R2, R16).",
    "contact_count": "Contacts recorded in the episode so far (R9: at most 10).",
    "due_on": "The date it is due (Europe/London).",
    "cohort": "`child` or `adult`.",
    "urgency": "`planned` or `emergency` (R1, R2).",
    "still_required": "The checkpoint's answer: is support still required? (R9)",
    "completed_by": "The user id (`sub`) of who answered the checkpoint.",
    "held_on": "The date it was held.",
    "on_emergency_rota": "Whether the provider is on the emergency rota (R2).",
    "external": "Whether the provider is external (not in-house).",
    "active": "Whether the provider can be matched and placed with (R7).",
    "available_from": "The date the vacancy is available from, if known.",
    "panel_date": "The date of the panel.",
    "documents_due_on": "The date the booking's documents are due (R3).",
    "late": "Whether the document came after its due date (R3).",
    "referral_status": "The referral's status after the change.",
    "start_date": "The date it starts.",
    "end_date": "The date it ended.",
    "courtesy_call_on": "The date of the courtesy call (R2).",
    "allocated_on": "The date the support worker was allocated (R8).",
    "supervision_due_on": "The date the first case supervision is due (R11).",
    "contact_on": "The date of the contact.",
    "method": "How the contact was made.",
    "next_due_on": "The date the next one is due.",
    "reason_code": "Why it ended or was cancelled, as a code.",
    "sent_on": "The date it was sent.",
    "imposed_at": "When the restriction was imposed.",
    "lifted_on": "The date the restriction was lifted.",
}


def meaning(subject: str, name: str, description: str | None) -> str:
    """A `data` key's meaning: its schema's description, else `MEANINGS`, else what its
    name says (`<thing>_id`, `<thing>_ids`)."""
    if description:
        return description
    if name in MEANINGS:
        return MEANINGS[name]
    if name == f"{subject}_id":
        return "The subject's id (the event's `subject.id`)."
    if name.endswith("_ids"):
        return f"The ids of the {name[:-4].replace('_', ' ')}s."
    if name.endswith("_id"):
        return f"The {name[:-3].replace('_', ' ')}'s id."
    raise KeyError(f"{name} has no meaning: describe it in app/event_catalogue.py")


def _keys(model: type[EventData]) -> frozenset[str]:
    return frozenset(f.alias or name for name, f in model.model_fields.items())


KEYS: dict[str, frozenset[str]] = {name: _keys(t.data) for name, t in CATALOGUE.items()}


def derived(type_: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a change's thin data (`app.event_data.thin`) that `type_` declares."""
    keys = KEYS.get(type_)
    if keys is None:
        return dict(data)
    return {k: v for k, v in data.items() if k in keys}


def conformed(
    type_: str,
    subject_type: str,
    subject_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    strict: bool | None = None,
) -> dict[str, Any]:
    """The event's data as its catalogued type declares it (JSON-able, every key there):
    the subject's id added as `<subject type>_id`. A type not catalogued or data that does
    not fit raises `EventNotInCatalogue` when strict; otherwise it is logged and the keys
    the type declares are kept."""
    strict = event_data.STRICT if strict is None else strict
    entry = CATALOGUE.get(type_)
    if entry is None or entry.subject != subject_type:
        if strict:
            raise EventNotInCatalogue(
                f"{type_} (about a {subject_type}) is not in app/event_catalogue.py"
            )
        log.warning("event_type_not_catalogued", event_type=type_)
        return dict(data)
    candidate = {f"{subject_type}_id": subject_id, **data}
    try:
        return entry.data.model_validate(candidate).model_dump(mode="json", by_alias=True)
    except ValidationError as error:
        problems = sorted({".".join(str(p) for p in e["loc"]) or "?" for e in error.errors()})
        if strict:
            raise EventNotInCatalogue(
                f"{type_}: data does not fit its catalogued schema at {', '.join(problems)}"
            ) from error
        log.warning("event_data_not_catalogued", event_type=type_, keys=problems)
        keys = KEYS[type_]
        return {k: v for k, v in event_data.jsonable(candidate).items() if k in keys}
