"""Revision 2 pathway decisions as tables: emergency start dates across midnight and BST
(R2), services by cohort and age on the birthday (R20), admission documents (R21),
arranging support (R22), inactive providers (R7), recorded follow-ups (R2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.calendar import local_date
from app.domain.errors import DomainError, InvalidInput, InvalidTransition
from app.domain.placements import (
    AdmissionDocumentsMissing,
    ArrangingSupportOutstanding,
    EmergencyStartNotToday,
    ProviderInactive,
    check_admission_documents,
    check_arranging_support_allowed,
    check_arranging_support_done,
    check_emergency_start,
    check_follow_up,
    check_provider_active,
)
from app.domain.policy import DOCUMENT_KINDS, Policy
from app.domain.referrals import ServiceNotForPerson, age_on, check_service_for_person


@pytest.mark.parametrize(
    ("now_utc", "start", "ok"),
    [
        # 23:30 UTC on 28 June is 00:30 on 29 June in London (BST): today is the 29th.
        (datetime(2026, 6, 28, 23, 30, tzinfo=UTC), date(2026, 6, 29), True),
        (datetime(2026, 6, 28, 23, 30, tzinfo=UTC), date(2026, 6, 28), True),  # backdated 1
        (datetime(2026, 6, 28, 23, 30, tzinfo=UTC), date(2026, 6, 27), False),
        (datetime(2026, 6, 28, 23, 30, tzinfo=UTC), date(2026, 6, 30), False),  # tomorrow
        # 22:59 UTC on 28 June is 23:59 in London: still the 28th.
        (datetime(2026, 6, 28, 22, 59, tzinfo=UTC), date(2026, 6, 29), False),
        # GMT in winter: 23:30 UTC on 15 January is 23:30 in London, the 15th.
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 15), True),
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 16), False),
        # The night the clocks go forward (Sunday 29 March 2026, 01:00 UTC).
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29), True),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29), False),
        # Three months ahead is not an emergency.
        (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), date(2026, 6, 1), False),
    ],
)
def test_r2_emergency_starts_today_in_london_or_the_day_before(
    now_utc: datetime, start: date, ok: bool
) -> None:
    today = local_date(now_utc)
    backdate = Policy().emergency_backdate_days
    if ok:
        check_emergency_start(start, today, backdate)
        return
    with pytest.raises(EmergencyStartNotToday) as refused:
        check_emergency_start(start, today, backdate)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "emergency_start_not_today",
        "R2",
        422,
    )


def test_r2_backdate_days_are_policy() -> None:
    check_emergency_start(date(2026, 5, 1), date(2026, 5, 4), 3)
    with pytest.raises(EmergencyStartNotToday):
        check_emergency_start(date(2026, 5, 3), date(2026, 5, 4), 0)


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2000, 5, 1), date(2026, 4, 30), 25),
        (date(2000, 5, 1), date(2026, 5, 1), 26),  # the birthday counts
        (date(2000, 2, 29), date(2026, 2, 28), 25),  # a leap-day birthday: 1 March
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
    ],
)
def test_r20_age_on_the_day(dob: date, on: date, age: int) -> None:
    assert age_on(dob, on) == age


@pytest.mark.parametrize(
    ("service", "cohort", "dob", "ok"),
    [
        ("foster_care", "child", date(2012, 5, 1), True),
        ("foster_care", "adult", date(1990, 5, 1), False),
        ("residential", "child", date(2012, 5, 1), True),
        ("residential", "adult", date(1990, 5, 1), False),
        ("shared_lives", "adult", date(1990, 5, 1), True),
        ("shared_lives", "child", date(2012, 5, 1), False),
        ("supported_living", "adult", date(2000, 5, 1), True),  # 26 today
        ("supported_living", "adult", date(2000, 5, 2), False),  # 26 tomorrow
        ("supported_living", "adult", date(2005, 1, 1), False),  # 21
        ("supported_living", "child", date(2012, 5, 1), False),
    ],
)
def test_r20_services_by_cohort_and_age(service: str, cohort: str, dob: date, ok: bool) -> None:
    on = date(2026, 5, 1)
    kwargs = {"service": service, "cohort": cohort, "date_of_birth": dob, "on": on}
    if ok:
        check_service_for_person(**kwargs, min_age_supported=26)  # type: ignore[arg-type]
        return
    with pytest.raises(ServiceNotForPerson) as refused:
        check_service_for_person(**kwargs, min_age_supported=26)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "service_not_for_person",
        "R20",
        422,
    )


def test_r20_supported_living_age_is_policy() -> None:
    assert Policy().supported_living_min_age == 26
    check_service_for_person(
        service="supported_living",
        cohort="adult",
        date_of_birth=date(2005, 1, 1),
        on=date(2026, 5, 1),
        min_age_supported=18,
    )


REQUIRED = Policy().admission_documents("residential")


@pytest.mark.parametrize(
    ("urgency", "present", "missing"),
    [
        ("planned", {"placement_plan", "cla_care_plan", "risk_assessment"}, None),
        ("planned", {"placement_plan", "cla_care_plan", "risk_assessment", "other"}, None),
        ("planned", {"placement_plan"}, ["cla_care_plan", "risk_assessment"]),
        ("planned", set(), ["placement_plan", "cla_care_plan", "risk_assessment"]),
        ("emergency", set(), None),  # a follow-up instead (R2)
    ],
)
def test_r21_admission_documents(urgency: str, present: set[str], missing: list[str]) -> None:
    if missing is None:
        check_admission_documents(urgency, REQUIRED, present)
        return
    with pytest.raises(AdmissionDocumentsMissing) as refused:
        check_admission_documents(urgency, REQUIRED, present)
    assert (refused.value.code, refused.value.rule) == ("admission_documents_missing", "R21")
    assert refused.value.extra == {"missing": missing}


def test_r21_defaults_and_new_document_kinds() -> None:
    assert REQUIRED == ["placement_plan", "cla_care_plan", "risk_assessment"]
    assert Policy().admission_documents("foster_care") == []
    for kind in (
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
    ):
        assert kind in DOCUMENT_KINDS
    assert set(REQUIRED) <= set(DOCUMENT_KINDS)


@pytest.mark.parametrize(
    ("service", "recorded", "ok"),
    [
        ("supported_living", False, False),
        ("supported_living", True, True),
        ("foster_care", False, True),
        ("shared_lives", False, True),
    ],
)
def test_r22_close_needs_arranging_support_for_supported_living(
    service: str, recorded: bool, ok: bool
) -> None:
    if ok:
        check_arranging_support_done(service, recorded)
        return
    with pytest.raises(ArrangingSupportOutstanding) as refused:
        check_arranging_support_done(service, recorded)
    assert (refused.value.code, refused.value.rule) == ("arranging_support_outstanding", "R22")


def test_r22_arranging_support_recorded_once_for_supported_living() -> None:
    check_arranging_support_allowed("supported_living", False)
    for service, already in (("supported_living", True), ("foster_care", False)):
        with pytest.raises(InvalidTransition) as refused:
            check_arranging_support_allowed(service, already)
        assert refused.value.rule == "R22"


def test_r7_inactive_provider() -> None:
    check_provider_active(True)
    with pytest.raises(ProviderInactive) as refused:
        check_provider_active(False)
    assert (refused.value.code, refused.value.rule) == ("provider_inactive", "R7")


@pytest.mark.parametrize(
    ("kind", "outcome", "already", "error"),
    [
        ("tac_duty_alerted", None, False, None),
        ("csw_informed", None, False, None),
        ("sustainability_reviewed", "sustain", False, None),
        ("sustainability_reviewed", "plan_move", False, None),
        ("sustainability_reviewed", None, False, InvalidInput),
        ("tac_duty_alerted", "sustain", False, InvalidInput),
        ("csw_informed", None, True, InvalidTransition),
    ],
)
def test_r2_recorded_follow_ups(
    kind: str, outcome: str | None, already: bool, error: type[DomainError] | None
) -> None:
    if error is None:
        check_follow_up(kind, outcome, already)
        return
    with pytest.raises(error) as refused:
        check_follow_up(kind, outcome, already)
    assert refused.value.rule == "R2"
