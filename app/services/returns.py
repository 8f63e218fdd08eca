"""The SSDA903 return (children looked after): built from the placements, legal statuses
and CLA reviews the API holds, checked against the DfE's rules, exported as the return's
CSV files in a zip. Everything read is a child's record: reads are audited (R19)."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import col, select

from app.context import Context
from app.domain import ssda903 as rules
from app.domain.ssda903_codes import NO_URN_PLACES, SEX_903
from app.domain.ssda903_rules import ChildReturn, Issue, ReviewFacts, check
from app.ids import uuid7
from app.models import LegalStatus, Person, Placement, Provider, Review
from app.problems import ReturnNotValid
from app.schemas.returns import ReturnIssue, ReturnIssues
from app.uow import UnitOfWork

SUBJECT = "return"


@dataclass(frozen=True)
class Built:
    children: list[ChildReturn]
    issues: list[Issue]


def _urn(placement: Placement, provider: Provider, fostering_service_urn: str | None) -> str | None:
    if placement.placement_type in NO_URN_PLACES:
        return None
    if provider.service == "foster_care" and not provider.external:
        return fostering_service_urn
    return provider.ofsted_urn


async def _build(uow: UnitOfWork, year: int) -> Built:
    first, last = rules.collection_year(year)
    urn_policy = uow.policy.fostering_service_urn
    stmt = (
        select(Placement, Provider, Person)
        .join(Provider, col(Provider.id) == col(Placement.provider_id))
        .join(Person, col(Person.id) == col(Placement.person_id))
        .where(col(Person.cohort) == "child")
        .where(col(Placement.start_date) <= last)
    )
    people: dict[uuid.UUID, Person] = {}
    placements: dict[uuid.UUID, list[rules.PlacementFacts]] = defaultdict(list)
    for placement, provider, person in (await uow.session.exec(stmt)).all():
        people[person.id] = person
        placements[person.id].append(
            rules.PlacementFacts(
                placement_id=str(placement.id),
                start_date=placement.start_date,
                end_date=placement.end_date,
                place=placement.placement_type,
                place_provider=placement.placement_provider,
                reason_new_episode=placement.reason_new_episode,
                reason_episode_ceased=placement.reason_episode_ceased,
                reason_place_change=placement.reason_place_change,
                home_post=placement.home_postcode,
                pl_post=placement.placement_postcode,
                urn=_urn(placement, provider, urn_policy),
            )
        )
    statuses: dict[uuid.UUID, list[rules.LegalStatusFacts]] = defaultdict(list)
    ls_stmt = (
        select(LegalStatus)
        .join(Person, col(Person.id) == col(LegalStatus.person_id))
        .where(col(Person.cohort) == "child")
    )
    for row in (await uow.session.exec(ls_stmt)).all():
        statuses[row.person_id].append(rules.LegalStatusFacts(row.code, row.start_date))
    reviews: dict[uuid.UUID, list[Review]] = defaultdict(list)
    review_stmt = (
        select(Review)
        .where(col(Review.kind) == "cla")
        .where(col(Review.status) == "held")
        .where(col(Review.held_on) >= first)
        .where(col(Review.held_on) <= last)
    )
    for review in (await uow.session.exec(review_stmt)).all():
        reviews[review.person_id].append(review)
    children: list[ChildReturn] = []
    for person_id, person in people.items():
        history = rules.derive_episodes(placements[person_id], statuses[person_id])
        episodes = rules.episodes_in_year(history, year)
        if not episodes:
            continue
        children.append(_child(person, episodes, history, reviews[person_id]))
    children.sort(key=lambda c: c.child)
    issues = [issue for child in children for issue in check(child, year)]
    return Built(children, issues)


def _child(
    person: Person,
    episodes: list[rules.Episode],
    history: list[rules.Episode],
    reviews: list[Review],
) -> ChildReturn:
    held = []
    for review in sorted(reviews, key=lambda r: (r.held_on, r.id)):
        if review.held_on is None:  # pragma: no cover - held reviews have a date
            continue
        participation = (review.record or {}).get("child_participation")
        code = rules.review_code(person.date_of_birth, review.held_on, participation)
        held.append(ReviewFacts(review.held_on, code, str(review.id)))
    return ChildReturn(
        person_id=str(person.id),
        child=person.child_ref or rules.child_ref(str(person.id)),
        dob=person.date_of_birth,
        sex=person.sex,
        ethnicity=person.ethnicity,
        upn=person.upn,
        mother=person.mother,
        mother_child_dob=person.mother_child_dob,
        category_of_need=person.category_of_need,
        episodes=episodes,
        first_ever_decom=history[0].decom if history else None,
        reviews=held,
    )


def _issue_read(issue: Issue) -> ReturnIssue:
    return ReturnIssue(
        rule=issue.rule,
        child=issue.child,
        person_id=uuid.UUID(issue.person_id),
        field=issue.field,
        message=issue.message,
        placement_id=uuid.UUID(issue.placement_id) if issue.placement_id else None,
    )


async def issues(ctx: Context, year: int) -> ReturnIssues:
    """Every record that would break the return's rules, so a team fixes it in March."""
    ctx.principal.require("returns.ssda903")
    async with ctx.uow() as uow:
        built = await _build(uow, year)
        await uow.audit_reads(
            "person", [uuid.UUID(c.person_id) for c in built.children], "person.return_checked"
        )
        return ReturnIssues(year=year, items=[_issue_read(i) for i in built.issues])


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _files(children: list[ChildReturn]) -> dict[str, bytes]:
    header: list[list[str]] = []
    episodes: list[list[str]] = []
    reviews: list[list[str]] = []
    for c in children:
        female = c.sex == "F"
        mother = "" if not female or c.mother is None else ("1" if c.mother else "0")
        header.append(
            [
                c.child,
                SEX_903.get(c.sex or "", ""),
                rules.dmy(c.dob),
                c.ethnicity or "",
                c.upn or "",
                mother,
                rules.dmy(c.mother_child_dob) if female else "",
            ]
        )
        episodes.extend(rules.episode_row(c.child, c.category_of_need, e) for e in c.episodes)
        reviews.extend(
            [c.child, rules.dmy(c.dob), rules.dmy(r.held_on), r.code or ""] for r in c.reviews
        )
    return {
        "header.csv": _csv(rules.HEADER_COLUMNS, header),
        "episodes.csv": _csv(rules.EPISODE_COLUMNS, episodes),
        "reviews.csv": _csv(rules.REVIEW_COLUMNS, reviews),
    }


async def _store_child_refs(uow: UnitOfWork, children: list[ChildReturn]) -> None:
    """CHILD is derived once and kept: a later change of derivation never renumbers."""
    ids = [uuid.UUID(c.person_id) for c in children]
    refs = {c.person_id: c.child for c in children}
    for start in range(0, len(ids), 500):
        stmt = (
            select(Person)
            .where(col(Person.id).in_(ids[start : start + 500]))
            .where(col(Person.child_ref).is_(None))
        )
        for person in (await uow.session.exec(stmt)).all():
            person.child_ref = refs[str(person.id)]
            uow.session.add(person)


async def export(ctx: Context, year: int, force: bool) -> bytes:
    """The year's return as a zip of header.csv, episodes.csv and reviews.csv; refused
    (409 `return_not_valid`) while issues remain unless forced. Audited: who exported."""
    ctx.principal.require("returns.ssda903")
    async with ctx.uow() as uow:
        built = await _build(uow, year)
        if built.issues and not force:
            raise ReturnNotValid(
                f"The {year} return has {len(built.issues)} validation issues: fix them "
                f"(GET /v1/returns/ssda903/issues?year={year}) or export with force=true."
            )
        await _store_child_refs(uow, built.children)
        files = _files(built.children)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        uow.audit(
            "return.ssda903_exported",
            SUBJECT,
            uuid7(),
            after={
                "year": year,
                "force": force,
                "children": len(built.children),
                "episodes": sum(len(c.episodes) for c in built.children),
                "reviews": sum(len(c.reviews) for c in built.children),
                "issues": len(built.issues),
            },
        )
        await uow.audit_reads(
            "person", [uuid.UUID(c.person_id) for c in built.children], "person.return_exported"
        )
        return buffer.getvalue()
