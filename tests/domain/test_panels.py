"""R3 panel document deadline and R4 panel decisions, with pinned real dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.calendar import WorkingCalendar
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.panels import (
    BOOKING,
    PanelActionsOutstanding,
    PanelDatePassed,
    PanelDocumentDeadlinePassed,
    PanelDocumentsMissing,
    PanelNotApplicable,
    PanelNotYetHeld,
    book_referral_action,
    booking_deadline,
    check_assure,
    check_attach,
    check_booking,
    check_decision,
    check_no_outstanding_actions,
    missing_documents,
    panel_day,
    panel_documents_due,
    referral_action_for,
    required_documents,
)
from app.domain.policy import Policy

ENGLAND = WorkingCalendar("england-and-wales")
SCOTLAND = WorkingCalendar("scotland")
NORTHERN_IRELAND = WorkingCalendar("northern-ireland")
POLICY = Policy()


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- R3: the deadline -------------------------------------------------------------------


def test_r3_christmas_boxing_day_and_new_year_are_skipped_in_england() -> None:
    # Panel Fri 2 Jan 2026: 1 Jan, 26 and 25 Dec are bank holidays -> Mon 29 Dec.
    assert panel_documents_due(d("2026-01-02"), ENGLAND, POLICY) == d("2025-12-29")


def test_r3_easter_2026_good_friday_and_easter_monday_are_skipped_in_england() -> None:
    # Panel Wed 8 Apr 2026: Tue 7 (1), Easter Monday 6 and Good Friday 3 skipped,
    # Thu 2 (2), Wed 1 (3).
    assert panel_documents_due(d("2026-04-08"), ENGLAND, POLICY) == d("2026-04-01")


def test_r3_panel_on_a_monday_counts_back_over_the_weekend() -> None:
    assert d("2026-03-09").weekday() == 0
    assert panel_documents_due(d("2026-03-09"), ENGLAND, POLICY) == d("2026-03-04")


def test_r3_ordinary_midweek_panel_is_three_weekdays_before() -> None:
    assert panel_documents_due(d("2026-02-12"), ENGLAND, POLICY) == d("2026-02-09")


@pytest.mark.parametrize(
    ("panel", "england", "scotland", "why"),
    [
        ("2026-01-06", "2025-12-31", "2025-12-30", "2 January is a Scottish bank holiday"),
        ("2026-08-06", "2026-08-03", "2026-07-31", "Scottish summer holiday, 1st Mon of Aug"),
        ("2026-04-08", "2026-04-01", "2026-04-02", "Easter Monday is not a Scottish holiday"),
        ("2026-12-02", "2026-11-27", "2026-11-26", "St Andrew's Day, Mon 30 Nov 2026"),
    ],
)
def test_r3_scotland_and_england_differ(panel: str, england: str, scotland: str, why: str) -> None:
    assert panel_documents_due(d(panel), ENGLAND, POLICY) == d(england), why
    assert panel_documents_due(d(panel), SCOTLAND, POLICY) == d(scotland), why


def test_r3_northern_ireland_st_patricks_day_and_twelfth_observed() -> None:
    assert panel_documents_due(d("2026-03-20"), NORTHERN_IRELAND, POLICY) == d("2026-03-16")
    assert panel_documents_due(d("2026-03-20"), ENGLAND, POLICY) == d("2026-03-17")
    # 12 July 2026 is a Sunday: observed on Monday 13 July in Northern Ireland.
    assert panel_documents_due(d("2026-07-15"), NORTHERN_IRELAND, POLICY) == d("2026-07-09")
    assert panel_documents_due(d("2026-07-15"), ENGLAND, POLICY) == d("2026-07-10")


def test_r3_working_days_are_policy() -> None:
    five = Policy(panel_document_working_days=5)
    assert panel_documents_due(d("2026-02-12"), ENGLAND, five) == d("2026-02-05")
    zero = Policy(panel_document_working_days=0)
    assert panel_documents_due(d("2026-02-12"), ENGLAND, zero) == d("2026-02-12")


def test_r3_due_at_is_end_of_london_day_in_bst() -> None:
    due_on, due_at = booking_deadline("practice_assurance", d("2026-07-15"), ENGLAND, POLICY)
    assert due_on == d("2026-07-10")
    assert due_at is not None
    assert due_at.isoformat() == "2026-07-10T23:59:59+01:00"
    assert due_at.utcoffset() == timedelta(hours=1)
    assert due_at.astimezone(UTC) == datetime(2026, 7, 10, 22, 59, 59, tzinfo=UTC)


def test_r3_due_at_is_end_of_london_day_in_gmt() -> None:
    due_on, due_at = booking_deadline("practice_assurance", d("2026-01-02"), ENGLAND, POLICY)
    assert due_on == d("2025-12-29")
    assert due_at is not None
    assert due_at.utcoffset() == timedelta(0)
    assert due_at.astimezone(UTC) == datetime(2025, 12, 29, 23, 59, 59, tzinfo=UTC)


def test_r3_due_day_in_bst_for_a_panel_after_the_clocks_go_back() -> None:
    # BST ends Sun 25 Oct 2026: the panel is in GMT, its deadline still in BST.
    due_on, due_at = booking_deadline("practice_assurance", d("2026-10-28"), ENGLAND, POLICY)
    assert due_on == d("2026-10-23")
    assert due_at is not None and due_at.utcoffset() == timedelta(hours=1)


def test_r3_funding_panel_has_no_deadline_and_no_required_documents() -> None:
    assert booking_deadline("funding", d("2026-07-15"), ENGLAND, POLICY) == (None, None)
    assert required_documents("funding", "supported_living", POLICY) == []


def test_r3_required_documents_are_policy_per_service() -> None:
    assert required_documents("practice_assurance", "supported_living", POLICY) == [
        "care_and_support_plan",
        "risk_assessment",
    ]
    assert required_documents("practice_assurance", "foster_care", POLICY) == []
    custom = Policy(panel_required_documents={"supported_living": ["risk_assessment"]})
    assert required_documents("practice_assurance", "supported_living", custom) == [
        "risk_assessment"
    ]


REQUIRED = ["care_and_support_plan", "risk_assessment"]
PLAN, RISK, OTHER = "care_and_support_plan", "risk_assessment", "other"


@pytest.mark.parametrize(
    ("attached", "missing"),
    [
        ([], REQUIRED),
        # Attached but not yet quality-assured: still missing (seed 003).
        ([(PLAN, False), (RISK, False)], REQUIRED),
        ([(OTHER, True), (RISK, True)], [PLAN]),
        ([(RISK, True), (PLAN, False)], [PLAN]),
        # One assured copy of a kind is enough, an unassured second one does not matter.
        ([(PLAN, False), (PLAN, True), (RISK, True)], []),
        ([(RISK, True), (PLAN, True)], []),
    ],
)
def test_r3_missing_documents_are_those_not_attached_and_assured(
    attached: list[tuple[str, bool]], missing: list[str]
) -> None:
    assert missing_documents(REQUIRED, attached) == missing


def test_r3_a_document_is_assured_once() -> None:
    check_assure(None)
    with pytest.raises(InvalidTransition) as refused:
        check_assure(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "invalid_transition",
        "R3",
        409,
    )


@pytest.mark.parametrize(
    ("panel", "today", "refused"),
    [
        ("2026-12-09", "2026-12-08", False),
        ("2026-12-09", "2026-12-09", False),  # booking on the panel day itself
        ("2026-12-09", "2026-12-10", True),
        ("2026-12-31", "2027-01-01", True),  # across the year end
        ("2026-03-29", "2026-03-29", False),  # the day the clocks go forward
    ],
)
def test_r3_nothing_is_booked_into_a_panel_whose_date_has_passed(
    panel: str, today: str, refused: bool
) -> None:
    for kind in ("practice_assurance", "funding"):
        if not refused:
            check_booking(kind, "supported_living", d(panel), d(today))
            continue
        with pytest.raises(PanelDatePassed) as error:
            check_booking(kind, "supported_living", d(panel), d(today))
        assert (error.value.code, error.value.rule, error.value.status) == (
            "panel_date_passed",
            "R3",
            409,
        )


@pytest.mark.parametrize("service", ["foster_care", "residential", "shared_lives"])
def test_r3_only_supported_living_goes_to_a_practice_assurance_panel(service: str) -> None:
    with pytest.raises(PanelNotApplicable) as refused:
        check_booking("practice_assurance", service, d("2026-12-09"), d("2026-12-01"))
    assert (refused.value.code, refused.value.rule) == ("panel_not_applicable", "R3")
    # A funding panel is not a practice assurance panel: no such limit.
    check_booking("funding", service, d("2026-12-09"), d("2026-12-01"))
    check_booking("practice_assurance", "supported_living", d("2026-12-09"), d("2026-12-01"))


def test_r3_a_panel_day_as_titles_show_it() -> None:
    assert panel_day(d("2026-12-09")) == "9 Dec 2026"
    assert panel_day(d("2027-07-14")) == "14 Jul 2027"


def test_r3_attach_on_time_late_refused_and_late_accepted() -> None:
    _, due_at = booking_deadline("practice_assurance", d("2026-01-02"), ENGLAND, POLICY)
    assert due_at is not None
    assert check_attach(due_at, due_at, accept_late=False) is False  # the last second counts
    assert check_attach(due_at - timedelta(days=2), due_at - timedelta(days=3), False) is False
    later = due_at + timedelta(seconds=1)
    with pytest.raises(PanelDocumentDeadlinePassed) as refused:
        check_attach(due_at, later, accept_late=False)
    assert (refused.value.code, refused.value.rule) == ("panel_document_deadline_passed", "R3")
    assert check_attach(due_at, later, accept_late=True) is True
    assert check_attach(None, later, accept_late=False) is False  # funding panel


# --- R4: decisions ----------------------------------------------------------------------


def test_r4_booking_state_machine_every_state_and_action() -> None:
    expected = {
        ("booked", "attach_document"): "booked",
        ("booked", "decide"): "decided",
        ("decided", "complete_action"): "decided",
    }
    assert BOOKING.states == {"booked", "decided"}
    assert BOOKING.actions == {"attach_document", "decide", "complete_action"}
    for state in sorted(BOOKING.states):
        for action in sorted(BOOKING.actions):
            if (state, action) in expected:
                assert BOOKING.transition(state, action) == expected[(state, action)]
            else:
                with pytest.raises(InvalidTransition) as refused:
                    BOOKING.transition(state, action)
                assert refused.value.rule == "R4"
                assert refused.value.code == "invalid_transition"


PANEL_DAY = d("2026-12-09")


def decide_held(
    kind: str, outcome: str, actions: list[str], missing: list[str] | None = None
) -> None:
    """`check_decision` on the panel's own date."""
    check_decision(
        kind, outcome, actions, panel_date=PANEL_DAY, today=PANEL_DAY, missing=missing or []
    )


def test_r4_decision_needs_actions_only_with_approved_with_actions() -> None:
    decide_held("practice_assurance", "approved", [])
    decide_held("practice_assurance", "approved_with_actions", ["Update the plan"])
    decide_held("practice_assurance", "deferred", [])
    with pytest.raises(InvalidInput) as no_actions:
        decide_held("practice_assurance", "approved_with_actions", [])
    assert no_actions.value.rule == "R4" and no_actions.value.status == 422
    with pytest.raises(InvalidInput):
        decide_held("practice_assurance", "declined", ["Something"])
    with pytest.raises(InvalidInput):
        decide_held("practice_assurance", "maybe", [])


def test_r4_funding_panel_is_decided_on_the_funding_request() -> None:
    with pytest.raises(InvalidTransition) as refused:
        decide_held("funding", "approved", [])
    assert refused.value.rule == "R6"


@pytest.mark.parametrize(
    ("panel", "today", "held"),
    [
        ("2026-12-09", "2026-12-08", False),
        ("2026-12-09", "2026-12-09", True),
        ("2026-12-09", "2026-12-10", True),
        ("2027-01-04", "2026-12-31", False),  # across the year end
        ("2026-10-25", "2026-10-25", True),  # the day the clocks go back
    ],
)
@pytest.mark.parametrize("outcome", ["approved", "deferred", "declined"])
def test_r3_a_panel_decides_only_on_or_after_its_date(
    panel: str, today: str, held: bool, outcome: str
) -> None:
    if held:
        check_decision(
            "practice_assurance", outcome, [], panel_date=d(panel), today=d(today), missing=[]
        )
        return
    with pytest.raises(PanelNotYetHeld) as refused:
        check_decision(
            "practice_assurance", outcome, [], panel_date=d(panel), today=d(today), missing=[]
        )
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "panel_not_yet_held",
        "R3",
        409,
    )


@pytest.mark.parametrize(
    ("outcome", "actions", "missing", "refused"),
    [
        ("approved", [], ["risk_assessment"], True),
        ("approved_with_actions", ["Update the plan"], ["care_and_support_plan"], True),
        ("approved", [], [], False),
        ("approved_with_actions", ["Update the plan"], [], False),
        ("deferred", [], ["risk_assessment", "care_and_support_plan"], False),
        ("declined", [], ["risk_assessment"], False),
    ],
)
def test_r3_no_approval_while_documents_are_missing_or_unassured(
    outcome: str, actions: list[str], missing: list[str], refused: bool
) -> None:
    if not refused:
        decide_held("practice_assurance", outcome, actions, missing)
        return
    with pytest.raises(PanelDocumentsMissing) as error:
        decide_held("practice_assurance", outcome, actions, missing)
    assert (error.value.code, error.value.rule, error.value.status) == (
        "panel_documents_missing",
        "R3",
        409,
    )
    assert ", ".join(missing) in error.value.detail


@pytest.mark.parametrize(
    ("outcome", "outstanding", "action"),
    [
        ("approved", 0, "panel_approved"),
        ("approved_with_actions", 2, None),
        ("approved_with_actions", 0, "panel_approved"),
        ("deferred", 0, "panel_not_approved"),
        ("declined", 0, "panel_not_approved"),
    ],
)
def test_r4_referral_moves_by_outcome(outcome: str, outstanding: int, action: str | None) -> None:
    assert referral_action_for(outcome, outstanding) == action


def test_r4_outstanding_actions_block_matching() -> None:
    check_no_outstanding_actions(0)
    with pytest.raises(PanelActionsOutstanding) as refused:
        check_no_outstanding_actions(1)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "panel_actions_outstanding",
        "R4",
        409,
    )


def test_r1_practice_assurance_booking_moves_referral_funding_booking_does_not() -> None:
    assert book_referral_action("practice_assurance", "submitted") == "book_panel"
    for status in ("submitted", "panel", "matching", "matched", "placed"):
        assert book_referral_action("funding", status) is None
    for status in ("draft", "closed", "withdrawn"):
        with pytest.raises(InvalidTransition) as refused:
            book_referral_action("funding", status)
        assert refused.value.rule == "R1"
