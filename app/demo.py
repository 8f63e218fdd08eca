"""`placements seed-demo`: a small council to try the API on, drawn from the five seeds.

Everything is made through the service layer (app/services), as the users who would do
it, with the clock set back where a record has to be in the past: every rule, audit
entry, event and work item is real. Dates are relative to today (Europe/London), so what
is upcoming, due today and overdue is so whenever it runs.

Each part is keyed by the Mosaic id of its person (`DEMO-...`, made by the integration
user as a Mosaic sync would); a part whose person is already there is skipped, so a
second run changes nothing and says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from app.auth import Principal, mint_token
from app.context import Context
from app.db import make_engine, make_sessionmaker
from app.domain.calendar import LONDON, WorkingCalendar
from app.domain.reviews import due_after
from app.models import ExternalId
from app.pagination import PageParams
from app.schemas.case_notes import CaseNoteCreate
from app.schemas.casework import ContactCreate
from app.schemas.funding import FundingDecision, FundingRequestCreate
from app.schemas.matching import MatchActionBody, MatchCreate
from app.schemas.panels import AttachDocumentBody, PanelBookingCreate, PanelCreate
from app.schemas.people import PersonUpsert
from app.schemas.placements import FollowUpBody, PlacementCreate
from app.schemas.providers import ProviderCreate, VacancyCreate
from app.schemas.referrals import ReferralCreate
from app.schemas.supervision import SupervisionRecord
from app.schemas.support import SupportDecision, SupportRequestCreate
from app.schemas.webhooks import WebhookCreate
from app.services import (
    case_notes,
    casework,
    documents,
    duty_tracker,
    funding,
    matching,
    panel_bookings,
    panel_documents,
    panels,
    people,
    placements,
    providers,
    referrals,
    supervision,
    support,
    webhooks,
)
from app.settings import Settings
from app.storage import LocalStorage
from app.wiring import wire

CHILDREN = "north"
ADULTS = "adults-east"
PLACEMENTS_TEAM = "placements"
MOSAIC = "mosaic"
WEBHOOK_PATH = "/placements-webhook"
WEBHOOK_PORT = 9000

# role -> (user id, display name, teams): one demo user per role of DOMAIN.md.
USERS: dict[str, tuple[str, str, list[str]]] = {
    "practitioner": ("alice", "Alice Moore, social worker", [CHILDREN, ADULTS]),
    "placements_officer": ("olu", "Olu Adeyemi, placements officer", [PLACEMENTS_TEAM]),
    "placements_manager": ("maya", "Maya Singh, senior placements officer", [PLACEMENTS_TEAM]),
    "team_manager": ("tom", "Tom Hughes, team manager", [CHILDREN, ADULTS]),
    "supervising_social_worker": ("sara", "Sara Lee, supervising social worker", [CHILDREN]),
    "practice_supervisor": ("priya", "Priya Shah, practice supervisor", [CHILDREN]),
    "support_worker": ("wes", "Wes Brown, placement support worker", [CHILDREN]),
    "panel_member": ("chair", "Practice assurance panel chair", []),
    "reviewer": ("rita", "Rita Okoro, reviewing officer", []),
    "integration": ("mosaic-sync", "Mosaic sync", []),
    "admin": ("admin", "System administrator", []),
}

# What each role might try first (path and query).
TRY: dict[str, str] = {
    "practitioner": "/v1/work?assignee=me&count=true",
    "placements_officer": "/v1/duty-tracker",
    "placements_manager": f"/v1/work?team={PLACEMENTS_TEAM}&count=true",
    "team_manager": f"/v1/work/summary?team={CHILDREN}",
    "supervising_social_worker": "/v1/support-requests",
    "practice_supervisor": "/v1/casework-episodes?status=checkpoint_due",
    "support_worker": "/v1/work?assignee=me",
    "panel_member": "/v1/panel-bookings",
    "reviewer": "/v1/reviews?status=scheduled",
    "integration": "/v1/events?limit=5",
    "admin": "/v1/webhooks",
}


class Clock:
    """The moment the next unit of work records; set back to make the past."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Bytes:
    """An in-memory upload (app.storage.Readable)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self._data)
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


@dataclass
class Outcome:
    loaded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.loaded)


def london_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


class Demo:
    def __init__(self, settings: Settings, ctx_parts: dict[str, Any], today: date) -> None:
        self.settings = settings
        self.parts = ctx_parts
        self.today = today
        self.clock = Clock(self.at(0))
        self.webhook_url = f"http://127.0.0.1:{WEBHOOK_PORT}{WEBHOOK_PATH}"

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int = 10, minute: int = 0) -> datetime:
        return datetime.combine(self.day(offset), time(hour, minute), LONDON)

    def set(self, offset: int, hour: int = 10, minute: int = 0) -> None:
        self.clock.now = self.at(offset, hour, minute)

    def as_(self, role: str) -> Context:
        sub, name, teams = USERS[role]
        return Context(
            principal=Principal(
                sub=sub, name=name, roles=frozenset({role}), teams=frozenset(teams)
            ),
            request_id=f"seed-demo-{uuid.uuid4().hex[:12]}",
            clock=self.clock,
            **self.parts,
        )

    # --- building blocks -------------------------------------------------------------

    async def exists(self, mosaic_id: str) -> bool:
        """Whether a part's person is there (its key). A plain lookup of the id, so a
        second run reads no personal record and writes nothing, not even a read audit."""
        async with self.parts["sessionmaker"]() as session:
            found = await session.exec(
                select(ExternalId.id)
                .where(col(ExternalId.system) == MOSAIC)
                .where(col(ExternalId.external_id) == mosaic_id)
            )
            return found.first() is not None

    async def person(
        self, mosaic_id: str, given: str, family: str, born: date, cohort: str, team: str
    ) -> uuid.UUID:
        """The person as the Mosaic sync brings them in (PUT by external id)."""
        body = PersonUpsert(
            given_name=given, family_name=family, date_of_birth=born, cohort=cohort, team=team
        )
        read, _ = await people.upsert_external(self.as_("integration"), MOSAIC, mosaic_id, body)
        return read.id

    async def provider(
        self, name: str, service: str, team: str, *, vacancy: str | None = None, **extra: Any
    ) -> tuple[uuid.UUID, uuid.UUID | None]:
        officer = self.as_("placements_officer")
        made = await providers.create_provider(
            officer, ProviderCreate(name=name, service=service, team=team, **extra)
        )
        if vacancy is None:
            return made.id, None
        room = await providers.create_vacancy(officer, made.id, VacancyCreate(label=vacancy))
        return made.id, room.id

    async def referral(
        self, person_id: uuid.UUID, urgency: str, service: str, needs: str, start: date
    ) -> uuid.UUID:
        practitioner = self.as_("practitioner")
        made = await referrals.create(
            practitioner,
            ReferralCreate(
                person_id=person_id,
                urgency=urgency,
                service=service,
                needs=needs,
                requested_start=start,
            ),
        )
        await referrals.submit(practitioner, made.id, None)
        return made.id

    async def accepted_match(
        self, referral_id: uuid.UUID, provider_id: uuid.UUID, vacancy_id: uuid.UUID | None
    ) -> uuid.UUID:
        officer = self.as_("placements_officer")
        match = await matching.propose(
            officer, referral_id, MatchCreate(provider_id=provider_id, vacancy_id=vacancy_id)
        )
        for verb in ("contact", "assess", "accept"):
            await matching.act(officer, match.id, verb, MatchActionBody(), None)
        return match.id

    async def upload(self, owner_type: str, owner_id: uuid.UUID, kind: str) -> uuid.UUID:
        role = "supervising_social_worker" if owner_type == "support_request" else "practitioner"
        made = await documents.upload(
            self.as_(role),
            owner_type,
            owner_id,
            kind=kind,
            filename=f"{kind.replace('_', '-')}.pdf",
            content_type="application/pdf",
            source=Bytes(b"%PDF-1.7\n% demo document: " + kind.encode() + b"\n"),
        )
        return made.id

    async def planned_placement(
        self,
        person_id: uuid.UUID,
        service: str,
        provider: tuple[uuid.UUID, uuid.UUID | None],
        start: int,
        weekly_pence: int,
    ) -> uuid.UUID:
        """A planned referral to a confirmed placement starting `start` days from today:
        submitted, matched, costed and signed off by a team manager (R1, R5, R6, R7)."""
        provider_id, vacancy_id = provider
        self.set(start - 12)
        rid = await self.referral(
            person_id,
            "planned",
            service,
            "A settled home near school and family.",
            self.day(start),
        )
        self.set(start - 10)
        mid = await self.accepted_match(rid, provider_id, vacancy_id)
        self.set(start - 8)
        officer = self.as_("placements_officer")
        request = await funding.create(
            officer,
            FundingRequestCreate(referral_id=rid, match_id=mid, weekly_cost_pence=weekly_pence),
        )
        await funding.submit(officer, request.id, None)
        self.set(start - 6)
        await funding.decide(
            self.as_("team_manager"), request.id, FundingDecision(outcome="approved"), None
        )
        self.set(start, 11)
        placed = await placements.confirm(
            officer,
            PlacementCreate(
                referral_id=rid,
                match_id=mid,
                provider_id=provider_id,
                vacancy_id=vacancy_id,
                start_date=self.day(start),
            ),
        )
        return placed.id

    def start_for_first_review(self, due_in: int) -> int:
        """The placement start (days from today) whose first CLA review (R12) is due
        `due_in` days from today, by the policy in force."""
        policy, calendar = self.parts["policy"], self.parts["calendar"]
        for back in range(1, 400):
            if due_after("cla", self.day(-back), 1, policy, calendar) == self.day(due_in):
                return -back
        raise ValueError("no start date gives that review date under this policy")

    # --- the parts ---------------------------------------------------------------------

    async def supported_living_waiting_for_panel(self) -> str:
        """Seed 003 steps 1-3: a referral booked into next practice assurance panel, its
        care and support plan in and assured, its risk assessment late (R3)."""
        self.set(-12)
        dan = await self.person("DEMO-0001", "Dan", "Reid", self.day(-34 * 365), "adult", ADULTS)
        await self.provider(
            "Harbour View Supported Living",
            "supported_living",
            PLACEMENTS_TEAM,
            vacancy="Flat 4, one-bedroom tenancy",
            external=True,
        )
        rid = await self.referral(
            dan,
            "planned",
            "supported_living",
            "Own tenancy with 20 hours of support a week, near his sister.",
            self.day(42),
        )
        self.set(-10)
        panel = await panels.create_panel(
            self.as_("placements_officer"),
            PanelCreate(kind="practice_assurance", date=self.day(2), location="County Hall"),
        )
        booking = await panel_bookings.create_booking(
            self.as_("practitioner"), PanelBookingCreate(referral_id=rid, panel_id=panel.id)
        )
        self.set(-9)
        plan = await self.upload("referral", rid, "care_and_support_plan")
        await panel_documents.attach_document(
            self.as_("practitioner"), booking.id, AttachDocumentBody(document_id=plan), None
        )
        self.set(-8)
        await documents.assure(self.as_("team_manager"), plan)
        return (
            f"supported living referral for Dan Reid booked into the practice assurance "
            f"panel on {self.day(2)}; risk assessment late (due {booking.documents_due_on})"
        )

    async def emergency_on_duty_tracker(self) -> str:
        """Seed 000's emergency bullets, half done: placed last night with a carer from
        the out-of-hours rota, the TAC duty worker alerted; the rest outstanding (R2)."""
        self.set(-1, 18, 30)
        child = await self.person(
            "DEMO-0002", "Kayden", "Mills", self.day(-11 * 365), "child", CHILDREN
        )
        carer = await self.provider(
            "The Okafor family (emergency rota)", "foster_care", CHILDREN, on_emergency_rota=True
        )
        rid = await self.referral(
            child,
            "emergency",
            "foster_care",
            "Placement tonight; police protection.",
            self.day(-1),
        )
        officer = self.as_("placements_officer")
        self.set(-1, 19)
        await duty_tracker.record_follow_up(officer, rid, FollowUpBody(kind="tac_duty_alerted"))
        mid = await self.accepted_match(rid, carer[0], None)
        self.set(-1, 21)
        await placements.confirm(
            officer,
            PlacementCreate(
                referral_id=rid, match_id=mid, provider_id=carer[0], start_date=self.day(-1)
            ),
        )
        return "emergency foster placement for Kayden Mills on the duty tracker, 4 follow-ups owed"

    async def support_at_checkpoint(self) -> str:
        """Seed 001: a support request allocated to a support worker, ten casework
        contacts made, the checkpoint question owed (R8, R9), a supervision overdue (R11)."""
        self.set(-75)
        # The carers' household: the key is its supervising social worker's record.
        await self.person("DEMO-0003", "Jordan", "Bennett", self.day(-8 * 365), "child", CHILDREN)
        carer, _ = await self.provider("The Bennett family", "foster_care", CHILDREN)
        ssw = self.as_("supervising_social_worker")
        request = await support.create(
            ssw,
            SupportRequestCreate(
                provider_id=carer,
                reason="Carers struggling with evening routines and contact handovers.",
            ),
        )
        await self.upload("support_request", request.id, "risk_assessment")
        await support.submit(ssw, request.id, None)
        self.set(-72)
        worker = USERS["support_worker"][0]
        await support.decide(
            self.as_("practice_supervisor"),
            request.id,
            SupportDecision(allocated=True, allocated_on=self.day(-72), support_worker=worker),
            None,
        )
        episodes, _ = await casework.list_episodes(
            self.as_("practice_supervisor"),
            casework.EpisodesFilter(support_request_id=request.id),
            PageParams(limit=10, after=None),
        )
        (episode,) = episodes
        psw = self.as_("support_worker")
        limit = self.parts["policy"].casework_contacts_per_episode
        for n in range(limit):
            offset = -70 + n * 6
            self.set(offset, 15)
            await casework.add_contact(
                psw,
                episode.id,
                ContactCreate(
                    contact_on=self.day(offset),
                    method="visit" if n % 2 == 0 else "phone",
                    with_whom="Both foster carers",
                    summary=f"Contact {n + 1}: evening routine plan reviewed with the carers.",
                ),
                None,
            )
        supervisions, _ = await supervision.list_supervisions(
            self.as_("practice_supervisor"),
            supervision.SupervisionsFilter(support_request_id=request.id),
            PageParams(limit=10, after=None),
        )
        (first,) = supervisions
        self.set(-40, 14)
        await supervision.record(
            self.as_("practice_supervisor"),
            first.id,
            SupervisionRecord(held_on=self.day(-40), outcome="next_in_4_weeks"),
            None,
        )
        return (
            f"support request for the Bennett family: {limit} contacts, checkpoint due; "
            f"next supervision overdue (due {self.day(-40 + 28)})"
        )

    async def reviews_upcoming_due_overdue(self) -> str:
        """Seeds 002 and 004: placements whose first reviews are overdue, due today and
        upcoming (R12, R14), with case notes alerting workers (R10)."""
        overdue_start = self.start_for_first_review(-5)
        due_start = self.start_for_first_review(0)
        self.set(overdue_start - 14)
        ella = await self.person(
            "DEMO-0004", "Ella", "Turner", self.day(-13 * 365), "child", CHILDREN
        )
        noah = await self.person(
            "DEMO-0005", "Noah", "Price", self.day(-7 * 365), "child", CHILDREN
        )
        june = await self.person(
            "DEMO-0006", "June", "Fairley", self.day(-48 * 365), "adult", ADULTS
        )
        clarke = await self.provider(
            "The Clarke family", "foster_care", CHILDREN, vacancy="Bedroom 1"
        )
        patel = await self.provider(
            "Brightwater Fostering (agency)",
            "foster_care",
            CHILDREN,
            vacancy="Carer household B",
            external=True,
        )
        host = await self.provider(
            "Margaret Hill, Shared Lives host", "shared_lives", ADULTS, vacancy="Spare room"
        )
        await self.planned_placement(ella, "foster_care", clarke, overdue_start, 52_000)
        await self.planned_placement(noah, "foster_care", patel, due_start, 61_000)
        await self.planned_placement(june, "shared_lives", host, -14, 45_500)

        self.set(-2, 16)
        await case_notes.create(
            self.as_("support_worker"),
            ella,
            CaseNoteCreate(
                type="psw_direct_work_with_child",
                text="Life-story work with Ella after school; she asked about contact with "
                "her brother.",
                alerts=[USERS["practitioner"][0], USERS["supervising_social_worker"][0]],
            ),
        )
        self.set(0, 8, 30)
        await case_notes.create(
            self.as_("practitioner"),
            noah,
            CaseNoteCreate(
                type="general",
                text="School raised a concern about Noah's attendance this week.",
                alerts=[USERS["reviewer"][0]],
            ),
        )
        return (
            "CLA reviews: Ella Turner's overdue, Noah Price's due today; June Fairley's "
            "Shared Lives review upcoming; 2 case notes alerting 3 workers"
        )

    async def webhook(self) -> str | None:
        """An admin's webhook to a receiver on this machine (`placements
        webhook-receiver`): loopback targets need PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE=true."""
        admin = self.as_("admin")
        listed, _ = await webhooks.list_webhooks(admin, None, PageParams(limit=200, after=None))
        if any(str(hook.url) == self.webhook_url for hook in listed):
            return "already"
        if not self.settings.webhooks_allow_private:
            return None
        self.set(0, 8)
        await webhooks.create_webhook(
            admin,
            WebhookCreate(url=self.webhook_url, description="Demo: a local receiver"),
        )
        return f"webhook to {self.webhook_url} (every event type)"


PARTS: list[tuple[str, str, Callable[[Demo], Awaitable[str]]]] = [
    (
        "DEMO-0001",
        "supported living referral waiting for its panel",
        Demo.supported_living_waiting_for_panel,
    ),
    ("DEMO-0002", "emergency foster placement on the duty tracker", Demo.emergency_on_duty_tracker),
    ("DEMO-0003", "placement support at its 10-contact checkpoint", Demo.support_at_checkpoint),
    ("DEMO-0004", "reviews upcoming, due and overdue; alerts", Demo.reviews_upcoming_due_overdue),
]


async def seed(
    settings: Settings,
    *,
    schema: str | None = None,
    now: datetime | None = None,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Load the demo council into an empty (or demo) database, part by part."""
    wire()  # every cross-area reaction, as the app has them (app/wiring.py)
    engine = make_engine(settings.database_url, schema=schema or settings.database_schema)
    parts = {
        "settings": settings,
        "policy": settings.load_policy(),
        "calendar": WorkingCalendar(settings.uk_nation),
        "sessionmaker": make_sessionmaker(engine),
        "storage": LocalStorage(Path(settings.files_dir)),
    }
    today = london_today(now or datetime.now(LONDON))
    demo = Demo(settings, parts, today)
    outcome = Outcome()
    total = len(PARTS) + 1
    try:
        for number, (key, title, build) in enumerate(PARTS, start=1):
            if await demo.exists(key):
                say(f"[{number}/{total}] {title}: already loaded")
                outcome.already.append(title)
                continue
            say(f"[{number}/{total}] {title} ...")
            summary = await build(demo)
            say(f"      {summary}")
            outcome.loaded.append(title)
        said = await demo.webhook()
        if said == "already":
            say(f"[{total}/{total}] webhook: already loaded")
            outcome.already.append("webhook")
        elif said is None:
            say(
                f"[{total}/{total}] webhook: skipped, a loopback URL needs "
                "PLACEMENTS_WEBHOOKS_ALLOW_PRIVATE=true (make run DEMO=1 sets it)"
            )
            outcome.skipped.append("webhook")
        else:
            say(f"[{total}/{total}] {said}")
            outcome.loaded.append("webhook")
    finally:
        await engine.dispose()
    return outcome


def tokens(secret: str, settings: Settings, hours: int = 12) -> dict[str, str]:
    """A token for each demo user (one per role)."""
    return {
        role: mint_token(
            secret,
            sub=sub,
            roles=[role],
            teams=teams,
            name=name,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=hours * 3600,
        )
        for role, (sub, name, teams) in USERS.items()
    }


def try_it(minted: dict[str, str], port: int) -> list[str]:
    """Lines to print: per role, who it is, its token and a curl to try."""
    lines = []
    for role, value in minted.items():
        sub, name, teams = USERS[role]
        variable = f"{role.upper()}_TOKEN"
        scope = ", ".join(teams) if teams else "all teams"
        lines += [
            f"# {role}: {name} (user {sub}; {scope})",
            f"export {variable}={value}",
            f"curl -s 'http://127.0.0.1:{port}{TRY[role]}' "
            f'-H "Authorization: Bearer ${variable}"',
            "",
        ]
    return lines
