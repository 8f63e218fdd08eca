"""An example body for every operation that takes one (issue 13): operationId -> the
body, as a client would send it. `app.contract.apply` puts each on its request body's
media type; tests/unit/test_openapi_examples.py checks every one against its schema.

The values are realistic for a council's placements team (a child placed in foster
care, an adult in supported living); the ids are made-up UUIDv7s.
"""

from __future__ import annotations

from typing import Any

PERSON = "0193a1c4-5e10-7a2b-9c3d-4e5f60718201"
PROVIDER = "0193a1c4-5e10-7a2b-9c3d-4e5f60718202"
VACANCY = "0193a1c4-5e10-7a2b-9c3d-4e5f60718203"
REFERRAL = "0193a1c4-5e10-7a2b-9c3d-4e5f60718204"
MATCH = "0193a1c4-5e10-7a2b-9c3d-4e5f60718205"
PANEL = "0193a1c4-5e10-7a2b-9c3d-4e5f60718206"
DOCUMENT = "0193a1c4-5e10-7a2b-9c3d-4e5f60718207"
FUNDING_REQUEST = "0193a1c4-5e10-7a2b-9c3d-4e5f60718208"
REVIEW_ACTION = "0193a1c4-5e10-7a2b-9c3d-4e5f60718209"

_PERSON: dict[str, Any] = {
    "given_name": "Alex",
    "family_name": "Smith",
    "preferred_name": "Lexi",
    "date_of_birth": "2012-05-01",
    "cohort": "child",
    "team": "north",
    "nhs_number": "9434765919",
    "sex": "F",
    "ethnicity": "WBRI",
    "category_of_need": "N1",
    "external_ids": {"mosaic": "M123456"},
}

_PROVIDER: dict[str, Any] = {
    "name": "Oakfield Foster Care",
    "service": "foster_care",
    "team": "north",
    "on_emergency_rota": True,
    "external": True,
    "email": "placements@oakfield.example.org",
    "phone": "0161 496 0000",
    "address": "12 Station Road, Stockport SK1 1AA",
    "ofsted_urn": "SC123456",
}

_MATCH_NOTE: dict[str, Any] = {"reason": "Carer spoke to the child's social worker today."}

REQUEST_EXAMPLES: dict[str, Any] = {
    # people
    "create_person": _PERSON,
    "update_person": {"preferred_name": "Lexi", "team": "adults-east"},
    "upsert_person_by_external_id": {
        key: value for key, value in _PERSON.items() if key != "external_ids"
    },
    "upsert_people_by_external_id": {
        "items": [
            {
                "external_id": "M123456",
                "given_name": "Alex",
                "family_name": "Smith",
                "date_of_birth": "2012-05-01",
                "cohort": "child",
                "team": "north",
            },
            {
                "external_id": "M123457",
                "given_name": "Sam",
                "family_name": "Patel",
                "date_of_birth": "1994-11-23",
                "cohort": "adult",
                "team": "adults-east",
            },
        ]
    },
    "create_legal_status": {"code": "C2", "start_date": "2026-01-12"},
    "create_case_note": {
        "type": "phone_call",
        "text": "Spoke to the foster carer: Alex has settled well and started at school.",
        "alerts": ["allergy: penicillin"],
    },
    # providers
    "create_provider": _PROVIDER,
    "update_provider": {"phone": "0161 496 0001", "on_emergency_rota": False},
    "upsert_provider_by_external_id": {
        key: value for key, value in _PROVIDER.items() if key != "external_ids"
    },
    "create_vacancy": {
        "label": "Bedroom 2",
        "description": "Single room, ground floor; suits a child aged 8 to 14.",
        "available_from": "2026-03-02",
    },
    "update_vacancy": {"available_from": "2026-03-09"},
    # referrals
    "create_referral": {
        "person_id": PERSON,
        "urgency": "planned",
        "service": "foster_care",
        "needs": "Long-term foster placement near her school; has a younger brother in care.",
        "requested_start": "2026-04-06",
    },
    "upsert_referral_by_external_id": {
        "person_id": PERSON,
        "urgency": "planned",
        "service": "foster_care",
        "needs": "Long-term foster placement near her school; has a younger brother in care.",
        "requested_start": "2026-04-06",
    },
    "update_referral": {"requested_start": "2026-04-13"},
    "withdraw_referral": {"reason": "The family found support from relatives."},
    "close_referral": {"note": "Placement confirmed and follow-ups done."},
    "record_follow_up": {
        "kind": "sustainability_reviewed",
        "done_on": "2026-03-09",
        "note": "The placement can hold while a planned move is found.",
        "outcome": "plan_move",
    },
    # matching
    "propose_match": {
        "provider_id": PROVIDER,
        "vacancy_id": VACANCY,
        "notes": "Carer has experience with children of this age.",
    },
    "contact_match": _MATCH_NOTE,
    "assess_match": {"reason": "Provider visiting the child on Thursday."},
    "accept_match": {"reason": "Provider and social worker agree the match."},
    "decline_match": {"reason": "The provider cannot meet the child's health needs."},
    "withdraw_match": {"reason": "A closer placement became available."},
    # funding
    "create_funding_request": {
        "referral_id": REFERRAL,
        "match_id": MATCH,
        "weekly_cost_pence": 95_000,
        "cost_breakdown": {
            "core_pence": 80_000,
            "additional_support_pence": 15_000,
            "education_pence": 0,
            "other_pence": 0,
        },
        "one_off_cost_pence": 25_000,
        "moving_on": "2026-04-06",
        "notes": "Includes 10 hours a week of additional support.",
    },
    "update_funding_request": {
        "weekly_cost_pence": 90_000,
        "cost_breakdown": {
            "core_pence": 80_000,
            "additional_support_pence": 10_000,
            "education_pence": 0,
            "other_pence": 0,
        },
    },
    "decide_funding_request": {
        "outcome": "approved",
        "reason": "Within the agreed rate for this need.",
    },
    # placements
    "confirm_placement": {
        "referral_id": REFERRAL,
        "match_id": MATCH,
        "provider_id": PROVIDER,
        "vacancy_id": VACANCY,
        "start_date": "2026-04-06",
        "placement_type": "U4",
        "placement_provider": "PR4",
        "reason_new_episode": "S",
        "home_postcode": "SK4 2AB",
        "placement_postcode": "SK1 1AA",
    },
    "update_placement": {"planned_end_on": "2027-04-05"},
    "record_arranging_support": {
        "sent_on": "2026-04-07",
        "provider_copied": True,
        "re_ratio_required": False,
        "night_provision_changed": False,
        "purchase_order_ref": "PO-2026-0412",
    },
    "end_placement": {
        "end_date": "2026-09-30",
        "reason": "Moved to a long-term placement with her brother.",
        "reason_episode_ceased": "E41",
        "reason_place_change": "CARPL",
    },
    "record_courtesy_call": {
        "called_on": "2026-04-07",
        "notes": "Carer says the first night went well.",
    },
    # documents
    "assure_document": {},
    # panels
    "create_panel": {
        "kind": "practice_assurance",
        "date": "2026-03-18",
        "start_time": "10:00:00",
        "location": "Town Hall, Room 3",
        "notes": "Supported living cases first.",
    },
    "create_panel_booking": {"referral_id": REFERRAL, "panel_id": PANEL},
    "attach_panel_booking_document": {"document_id": DOCUMENT, "accept_late": False},
    "decide_panel_booking": {
        "outcome": "approved_with_actions",
        "actions": ["Update the risk assessment before the move."],
        "notes": "Panel agreed supported living with a review in 8 weeks.",
    },
    # work
    "assign_work_item": {"user": "jordan.lee"},
    # support
    "create_support_request": {
        "provider_id": PROVIDER,
        "reason": "Carers ask for support with evening routines after a school exclusion.",
    },
    "decide_support_request": {
        "allocated": True,
        "allocated_on": "2026-03-04",
        "support_worker": "sam.okafor",
        "note": "Weekly sessions for six weeks.",
    },
    # casework
    "add_casework_contact": {
        "contact_on": "2026-03-03",
        "method": "visit",
        "with_whom": "Foster carers and Alex",
        "summary": "Visited at home; agreed a bedtime plan with the carers.",
    },
    "answer_casework_checkpoint": {"still_required": True, "completed_by": "sam.okafor"},
    # supervision
    "record_supervision": {
        "held_on": "2026-03-05",
        "outcome": "next_in_4_weeks",
        "notes": "Discussed the support plan and the carers' wellbeing.",
    },
    # reviews
    "record_review": {
        "kind": "cla",
        "held_on": "2026-05-04",
        "participants": [
            {"user_id": "sam.okafor"},
            {"name": "Alex Smith", "role": "child", "format": "easy_read"},
        ],
        "previous_actions": [{"action_id": REVIEW_ACTION, "done": True}],
        "new_actions": [
            {
                "description": "Arrange contact with her brother every fortnight.",
                "owner": "sam.okafor",
                "due_on": "2026-05-18",
            }
        ],
        "child_participation": "Alex attended and chaired part of the meeting.",
        "child_views": "Happy at the placement; wants more time with her brother.",
        "care_plan_progress": "On track.",
        "contact_arrangements": "Fortnightly supervised contact with her mother.",
        "health": "Health assessment done in April.",
        "education": "Attending every day; PEP updated.",
        "placement_stability": "Stable.",
        "exit_plan": "Long-term fostering with the current carers.",
    },
    "request_extra_review": {
        "kind": "cla",
        "due_on": "2026-06-01",
        "reason": "A change to the contact arrangements needs a review.",
    },
    "complete_review_action": {"note": "Contact arranged for Saturdays."},
    "record_review_sent": {"sent_on": "2026-05-08", "format": "easy_read"},
    # contact restrictions
    "create_contact_restriction": {
        "description": "No unsupervised contact with her father.",
        "details": "Court order of 2 March 2026; contact only at the family centre.",
        "emergency": False,
        "agreed_with": "Kirklees Council, duty team",
        "imposed_at": "2026-03-02T14:30:00Z",
    },
    "notify_contact_restriction": {"notes": "Emailed the placing authority's duty team."},
    "lift_contact_restriction": {
        "lifted_on": "2026-06-15",
        "reason": "The court order was varied.",
    },
    # webhooks
    "create_webhook": {
        "url": "https://mirror.example.org/hooks/placements",
        "event_types": ["referral.", "placement.confirmed"],
        "description": "The case management mirror.",
        "active": True,
    },
    "update_webhook": {"active": False},
}

# File uploads (multipart/form-data): the form's fields.
UPLOAD_EXAMPLE: dict[str, Any] = {"kind": "risk_assessment", "file": "risk-assessment.pdf"}
