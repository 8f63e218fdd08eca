"""Every cross-area reaction, in one table (docs/decisions/0008-wiring-and-helpers.md).

An area that lets others react to what it does keeps a typed slot (a tuple of hooks, or
a mapping) and calls what is in it inside its own transaction; it never imports the areas
that react. This module fills every slot, and `create_app()` calls `wire()`: the slots are
assigned, not appended to, so building several apps (as the tests do) never registers a
reaction twice, and no reaction depends on which routers happen to import which services.

Read the table as "when <slot's area> does <what>, <reaction> runs".
"""

from __future__ import annotations

from app.models import Placement, Referral, SupportRequest
from app.services import (
    casework,
    documents,
    duty_tracker,
    matching,
    panel_bookings,
    panel_decisions,
    panel_documents,
    placements,
    referrals,
    reviews,
    supervision,
    support,
)


def wire() -> None:
    """Fill every reaction slot (idempotent)."""
    # A referral is about to close (R1): refuse while its follow-ups are open.
    referrals.CLOSE_CHECKS = (
        # R2: an emergency referral's funding request and courtesy call must be done.
        duty_tracker.check_emergency_follow_ups,
        # R22: a supported living placement's arranging support must be recorded.
        placements.check_arranging_support_recorded,
    )
    # A referral is withdrawn: wind down what it held, in the withdrawal's transaction.
    referrals.ON_WITHDRAWN = (
        # R5: its open matches are withdrawn and the vacancies they held reopen.
        matching.withdraw_open_matches,
        # R3, R4: its panel bookings' and actions' work items close.
        panel_bookings.close_panel_work,
    )
    # A match is about to be proposed (R5): refuse while another area holds it back.
    matching.PROPOSE_CHECKS = (
        # R4: no match while the referral owes panel actions.
        panel_decisions.refuse_matching,
    )
    # A match is proposed (R5): in its transaction.
    matching.ON_PROPOSED = (
        # R4, R18: the placements team's "begin matching" hand-off closes.
        panel_decisions.close_begin_matching,
    )
    # A placement is confirmed (R7): in its transaction.
    placements.ON_CONFIRMED = (
        # R12 CLA, R13 support plan, R14 Shared Lives reviews and R17 QA visits scheduled.
        reviews.schedule_on_confirmation,
    )
    # A placement ends (R7): in its transaction.
    placements.ON_ENDED = (
        # Its scheduled reviews are cancelled and their work items closed.
        reviews.cancel_on_end,
    )
    # A supervision is recorded "service ended" (R11): in its transaction.
    supervision.ON_SERVICE_ENDED = (
        # R9: the current casework episode's checkpoint is answered "no"; the support ends.
        casework.answer_no_at_supervision,
    )
    # Records documents attach to, scoped as the record is, and who may upload to each.
    documents.OWNERS = {
        referrals.SUBJECT: documents.OwnerKind(Referral, "documents.upload"),
        # R8: a support request's risk assessment is uploaded by its social workers.
        support.SUBJECT: documents.OwnerKind(SupportRequest, "support_documents.upload"),
        placements.SUBJECT: documents.OwnerKind(Placement, "documents.upload"),
    }
    # An upload to an owner: nothing reacts yet (R8 reads the documents when submitting).
    documents.AFTER_UPLOAD = {}
    # A document is quality-assured by a team manager (R3): in its transaction.
    documents.ON_ASSURED = (
        # R3: a booking it completes closes its "documents due" item.
        panel_documents.on_document_assured,
    )
