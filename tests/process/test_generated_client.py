"""The generated Python client (`make clients`, clients/python) drives a real server
through the planned supported-living pathway (seed 003, docs/pathway.md part A): referral,
practice assurance panel booking and decision, match, funding request and its funding
panel's decision, placement. A refusal comes back as the operation's typed problem, whose
`code` is one of the codes the contract declares for it.

The client is built when missing or older than the contract (`make clients`); outside CI a
machine that cannot build it skips, saying why; under CI=true that fails instead.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests.serving import ROOT, served
from tests.support import token

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CLIENT_DIR = ROOT / "clients" / "python"
ADULTS = "adults-east"


@pytest.fixture(scope="module")
def pc() -> Any:
    """The generated package `placements_client`, (re)built by `make clients` first."""
    build = subprocess.run(
        ["make", "-s", "clients"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if build.returncode != 0:
        message = f"`make clients` failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    sys.path.insert(0, str(CLIENT_DIR))
    try:
        return importlib.import_module("placements_client")
    finally:
        sys.path.remove(str(CLIENT_DIR))


def _london_today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


def _ok(response: Any, status: int, model: type) -> Any:
    """The parsed body of a `sync_detailed` answer, checked to be the typed success."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, model), type(response.parsed)
    return response.parsed


def test_generated_client_drives_referral_panel_match_funding_placement(
    tmp_path: Path, pc: Any
) -> None:
    from placements_client import AuthenticatedClient
    from placements_client.api.documents import assure_document
    from placements_client.api.funding import (
        create_funding_request,
        decide_funding_request,
        submit_funding_request,
    )
    from placements_client.api.matching import (
        accept_match,
        assess_match,
        contact_match,
        propose_match,
    )
    from placements_client.api.panels import (
        attach_panel_booking_document,
        create_panel,
        create_panel_booking,
        decide_panel_booking,
    )
    from placements_client.api.people import create_person
    from placements_client.api.placements import confirm_placement
    from placements_client.api.providers import create_provider, create_vacancy
    from placements_client.api.referrals import (
        create_referral,
        submit_referral,
        upload_referral_document,
    )
    from placements_client.models import (
        AttachDocumentBody,
        BodyUploadReferralDocument,
        ConflictOrIdempotencyKeyInUseOrInvalidTransitionProblem,
        CostBreakdown,
        DecisionBody,
        DocumentRead,
        FundingDecision,
        FundingRequestCreate,
        FundingRequestRead,
        MatchCreate,
        MatchRead,
        PanelBookingCreate,
        PanelBookingRead,
        PanelCreate,
        PersonCreate,
        PersonRead,
        PlacementCreate,
        PlacementRead,
        ProviderCreate,
        ProviderRead,
        ReferralCreate,
        ReferralRead,
        VacancyCreate,
        VacancyRead,
    )
    from placements_client.types import File

    today = _london_today()
    start = today + timedelta(days=28)

    with served(tmp_path) as server:

        def as_(sub: str, roles: list[str], teams: list[str] | None = None) -> Any:
            return AuthenticatedClient(
                base_url=server.base, token=token(roles, teams or [], sub=sub), timeout=30
            )

        practitioner = as_("riya.sw", ["practitioner"], [ADULTS])
        officer = as_("olu.officer", ["placements_officer"], ["placements"])
        chair = as_("chair.pap", ["panel_member"])
        manager = as_("tm.hughes", ["team_manager"], [ADULTS])

        # The provider and its vacancy, recorded by the placements team.
        provider = _ok(
            create_provider.sync_detailed(
                client=officer,
                body=ProviderCreate(
                    name="Harbour View Supported Living",
                    service="supported_living",
                    team="placements",
                    external=True,
                ),
            ),
            201,
            ProviderRead,
        )
        vacancy = _ok(
            create_vacancy.sync_detailed(
                provider.id, client=officer, body=VacancyCreate(label="Flat 4, one bedroom")
            ),
            201,
            VacancyRead,
        )

        # Step 1: the person and a planned supported living referral (R1, R20: 26+).
        person = _ok(
            create_person.sync_detailed(
                client=practitioner,
                body=PersonCreate(
                    given_name="Dan",
                    family_name="Example",
                    date_of_birth=date(1994, 8, 20),
                    cohort="adult",
                    team=ADULTS,
                ),
            ),
            201,
            PersonRead,
        )
        assert person.cohort == "adult"
        referral = _ok(
            create_referral.sync_detailed(
                client=practitioner,
                body=ReferralCreate(
                    person_id=person.id,
                    urgency="planned",
                    service="supported_living",
                    needs="Own tenancy with 20 hours of support a week; near family.",
                    requested_start=start,
                ),
            ),
            201,
            ReferralRead,
        )
        assert referral.status == "draft"
        submitted = _ok(
            submit_referral.sync_detailed(referral.id, client=practitioner), 200, ReferralRead
        )
        assert submitted.status == "submitted"

        # The refusal: a submitted referral cannot be submitted again. The 409 is the
        # operation's typed problem, its `code` one of the codes declared for it.
        again = submit_referral.sync_detailed(referral.id, client=practitioner)
        assert again.status_code == 409
        problem = again.parsed
        assert isinstance(problem, ConflictOrIdempotencyKeyInUseOrInvalidTransitionProblem)
        assert problem.code == "invalid_transition"
        assert problem.status == 409
        assert problem.type_ == "urn:placements:problem:invalid_transition"

        # Step 2: booked into today's practice assurance panel, with the required documents
        # uploaded, quality-assured and (past the deadline) accepted late by the chair (R3).
        panel = create_panel.sync_detailed(
            client=officer, body=PanelCreate(kind="practice_assurance", date=today)
        )
        assert panel.status_code == 201, panel.content
        booking = _ok(
            create_panel_booking.sync_detailed(
                client=practitioner,
                body=PanelBookingCreate(referral_id=referral.id, panel_id=panel.parsed.id),
            ),
            201,
            PanelBookingRead,
        )
        assert booking.status == "booked"
        for kind in ("care_and_support_plan", "risk_assessment"):
            document = _ok(
                upload_referral_document.sync_detailed(
                    referral.id,
                    client=practitioner,
                    body=BodyUploadReferralDocument(
                        file=File(
                            payload=_pdf(kind), file_name=f"{kind}.pdf", mime_type="application/pdf"
                        ),
                        kind=kind,
                    ),
                ),
                201,
                DocumentRead,
            )
            assert document.kind == kind
            _ok(assure_document.sync_detailed(document.id, client=manager), 200, DocumentRead)
            booking = _ok(
                attach_panel_booking_document.sync_detailed(
                    booking.id,
                    client=chair,
                    body=AttachDocumentBody(document_id=document.id, accept_late=True),
                ),
                200,
                PanelBookingRead,
            )
        assert booking.missing_documents == []

        # Steps 3-4: the panel approves; the referral goes on to matching (R3, R4).
        decided = _ok(
            decide_panel_booking.sync_detailed(
                booking.id, client=chair, body=DecisionBody(outcome="approved")
            ),
            200,
            PanelBookingRead,
        )
        assert decided.status == "decided"
        assert decided.decision == "approved"

        # Steps 5-7: matched to the vacancy, the provider assesses and accepts (R5).
        match = _ok(
            propose_match.sync_detailed(
                referral.id,
                client=officer,
                body=MatchCreate(provider_id=provider.id, vacancy_id=vacancy.id),
            ),
            201,
            MatchRead,
        )
        for action in (contact_match, assess_match, accept_match):
            match = _ok(action.sync_detailed(match.id, client=officer), 200, MatchRead)
        assert match.status == "accepted"

        # Steps 8-10: costings, submitted, booked into today's funding panel and approved by
        # a panel member, who is not its author (R6).
        funding = _ok(
            create_funding_request.sync_detailed(
                client=officer,
                body=FundingRequestCreate(
                    referral_id=referral.id,
                    match_id=match.id,
                    weekly_cost_pence=98_500,
                    cost_breakdown=CostBreakdown(
                        core_pence=80_000, additional_support_pence=18_500
                    ),
                    one_off_cost_pence=25_000,
                    moving_on=start,
                ),
            ),
            201,
            FundingRequestRead,
        )
        assert funding.status == "draft"
        funding = _ok(
            submit_funding_request.sync_detailed(funding.id, client=officer),
            200,
            FundingRequestRead,
        )
        assert funding.status == "submitted"
        funding_panel = create_panel.sync_detailed(
            client=officer, body=PanelCreate(kind="funding", date=today)
        )
        assert funding_panel.status_code == 201, funding_panel.content
        _ok(
            create_panel_booking.sync_detailed(
                client=practitioner,
                body=PanelBookingCreate(
                    referral_id=referral.id,
                    panel_id=funding_panel.parsed.id,
                    funding_request_id=funding.id,
                ),
            ),
            201,
            PanelBookingRead,
        )
        funding = _ok(
            decide_funding_request.sync_detailed(
                funding.id, client=chair, body=FundingDecision(outcome="approved")
            ),
            200,
            FundingRequestRead,
        )
        assert funding.status == "approved"

        # Step 11: the placement is confirmed with the approved funding (R7).
        placement = _ok(
            confirm_placement.sync_detailed(
                client=officer,
                body=PlacementCreate(
                    referral_id=referral.id,
                    match_id=match.id,
                    provider_id=provider.id,
                    vacancy_id=vacancy.id,
                    start_date=start,
                ),
            ),
            201,
            PlacementRead,
        )
        assert placement.status == "active"
        assert placement.referral_id == referral.id
        assert isinstance(placement.id, UUID)


def _pdf(kind: str) -> Any:
    import io

    return io.BytesIO(b"%PDF-1.4 " + kind.encode())
