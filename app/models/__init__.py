"""SQLModel tables, one module per area. Importing this package registers them all."""

from app.models.audit import AuditEntry
from app.models.base import metadata
from app.models.case_notes import CaseNote
from app.models.casework import CaseworkContact, CaseworkEpisode
from app.models.contact_restrictions import ContactRestriction
from app.models.documents import Document
from app.models.events import Event, EventCounter
from app.models.external_ids import RecordExternalId
from app.models.funding import FundingRequest
from app.models.idempotency import IdempotencyRecord
from app.models.legal_statuses import LegalStatus
from app.models.matching import Match
from app.models.panels import Panel, PanelAction, PanelBooking, PanelBookingDocument
from app.models.people import ExternalId, Person
from app.models.placements import Placement
from app.models.providers import Provider, Vacancy
from app.models.referrals import Referral, ReferralFollowUp
from app.models.review_records import ReviewAction, ReviewParticipant
from app.models.reviews import Review
from app.models.supervision import Supervision
from app.models.support import SupportRequest
from app.models.webhooks import Webhook, WebhookDelivery
from app.models.work import WorkItem

__all__ = [
    "AuditEntry",
    "CaseNote",
    "CaseworkContact",
    "CaseworkEpisode",
    "ContactRestriction",
    "Document",
    "Event",
    "EventCounter",
    "RecordExternalId",
    "ExternalId",
    "FundingRequest",
    "IdempotencyRecord",
    "LegalStatus",
    "Match",
    "Panel",
    "PanelAction",
    "PanelBooking",
    "PanelBookingDocument",
    "Person",
    "Placement",
    "Provider",
    "Referral",
    "ReferralFollowUp",
    "Review",
    "ReviewAction",
    "ReviewParticipant",
    "Supervision",
    "SupportRequest",
    "Vacancy",
    "Webhook",
    "WebhookDelivery",
    "WorkItem",
    "metadata",
]
