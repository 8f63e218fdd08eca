"""The SSDA903 validation rules we check before the return goes to the DfE: a subset of
the DfE's rules for 2025-26, each under its number in the guidance (and in the DfE's
validator). Pure: `check(child, year)` lists what would be refused and what to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from app.domain.ssda903 import (
    Episode,
    age_on,
    collection_year,
    is_temporary,
    normal_postcode,
    upn_is_valid,
)
from app.domain.ssda903_codes import (
    CIN,
    ETHNIC,
    LS,
    NO_PROVIDER_PLACES,
    NO_URN_PLACES,
    PLACE,
    PLACE_PROVIDER,
    REC,
    SEX_903,
)


@dataclass(frozen=True)
class ReviewFacts:
    held_on: date
    code: str | None
    review_id: str


@dataclass(frozen=True)
class ChildReturn:
    """Everything the return says about one child in the year."""

    person_id: str
    child: str
    dob: date
    sex: str | None
    ethnicity: str | None
    upn: str | None
    mother: bool | None
    mother_child_dob: date | None
    category_of_need: str | None
    episodes: list[Episode]
    first_ever_decom: date | None
    reviews: list[ReviewFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Issue:
    rule: str
    child: str
    person_id: str
    field: str
    message: str
    placement_id: str | None = None


Found = Iterator[tuple[str, str, str, str | None]]  # rule, field, message, placement id
Rule = Callable[[ChildReturn, int], Found]


def _header(c: ChildReturn, year: int) -> Found:
    first, last = collection_year(year)
    if c.sex not in SEX_903:
        yield "101", "SEX", "Record the child's sex as M, F or U.", None
    if c.ethnicity not in ETHNIC:
        yield "103", "ETHNIC", "Record the child's ethnicity as one of the DfE's codes.", None
    if not c.upn:
        yield "442", "UPN", "Record the child's UPN (or UN1-UN5 when it is not known).", None
    elif not upn_is_valid(c.upn):
        yield "168", "UPN", "The UPN's check letter or format is wrong.", None
    if age_on(c.dob, first) > 25:
        yield "351", "DOB", "The child was over 25 at the start of the collection year.", None
    if c.sex == "F" and c.mother is None and age_on(c.dob, last) >= 12:
        yield "393", "MOTHER", "Record whether the child is a mother.", None
    if c.mother and c.mother_child_dob is None:
        yield "611", "MC_DOB", "The child is a mother: record her child's date of birth.", None
    if c.mother_child_dob is not None and c.mother is False:
        yield "612", "MOTHER", "A child's date of birth is recorded but mother is false.", None
    if c.mother_child_dob is not None and c.sex == "M":
        yield "174", "MC_DOB", "A mother's child date of birth is recorded for a male.", None
    if c.mother and age_on(c.dob, last) < 11:
        yield "620", "MOTHER", "The child is recorded as a mother but is under 11.", None
    if c.mother_child_dob is not None and c.mother_child_dob <= c.dob:
        yield "621", "MC_DOB", "The mother's child is born before the mother.", None
    if c.mother_child_dob is not None and c.mother_child_dob > last:
        yield "625", "MC_DOB", "The mother's child is born after the collection year.", None
    if c.category_of_need not in CIN:
        yield "145", "CIN", "Record the child's category of need (N1-N8).", None


def _episode_codes(c: ChildReturn, year: int) -> Found:
    for e in c.episodes:
        pid = e.placement_id
        if e.ls not in LS:
            yield "144", "LS", "No legal status in force: record one from the LS codes.", pid
        if e.place not in PLACE:
            yield "146", "PLACE", "Record the placement's placement_type (PLACE code).", pid
            continue
        if e.place in NO_PROVIDER_PLACES:
            if e.place_provider is not None:
                yield "213", "PLACE_PROVIDER", "No provider code for this placement type.", pid
        elif e.place_provider not in PLACE_PROVIDER:
            yield "526", "PLACE_PROVIDER", "Record the placement's placement_provider.", pid
        yield from _provider_pairs(e)
        if e.place in NO_URN_PLACES:
            if e.urn is not None and e.urn != "XXXXXXX":
                yield "222", "URN", "No Ofsted URN is recorded for this placement type.", pid
        elif e.urn is None:
            yield "218", "URN", "Record the provider's ofsted_urn (or XXXXXXX).", pid


_PAIRS: dict[str, tuple[str, frozenset[str]]] = {
    "PR1": ("527", frozenset({"P1", "R2", "R5"})),
    "PR2": ("528", frozenset({"P1", "R2", "R5"})),
    "PR3": (
        "529",
        frozenset({"P1", "A3", "A4", "A5", "A6", "K1", "K2"} | {f"U{n}" for n in range(1, 7)}),
    ),
    "PR4": ("530", frozenset({"P1"})),
    "PR5": ("531", frozenset({"P1"})),
}


def _provider_pairs(e: Episode) -> Found:
    if e.place_provider == "PR0" and e.place != "P1":
        yield "550", "PLACE_PROVIDER", "PR0 goes only with placement type P1.", e.placement_id
    pair = _PAIRS.get(e.place_provider or "")
    if pair is not None and e.place in pair[1]:
        rule, _ = pair
        message = f"{e.place_provider} can't provide placement type {e.place}."
        yield rule, "PLACE_PROVIDER", message, e.placement_id


def _endings(c: ChildReturn, year: int) -> Found:
    for index, e in enumerate(c.episodes):
        pid = e.placement_id
        following = c.episodes[index + 1] if index + 1 < len(c.episodes) else None
        if (e.dec is None) != (e.rec is None):
            yield "148", "REC", "Give the reason the episode ceased when the placement ends.", pid
        if e.rec is not None and e.rec not in REC:
            yield "149", "REC", "The reason the episode ceased is not a REC code.", pid
        continues = following is not None and following.decom == e.dec
        if e.rec == "X1" and not continues:
            yield "388", "REC", "X1 but no new episode starts that day: give the real REC.", pid
        if e.rec is not None and e.rec != "X1" and continues:
            yield "388", "REC", "A new episode starts the day this one ends: REC is X1.", pid
        if e.dec is not None and e.dec < e.decom:
            yield "356", "DEC", "The episode ends before it starts.", pid
        moved = following is not None and continues and following.rne in ("P", "B", "T", "U")
        if (
            moved
            and e.rec == "X1"
            and e.reason_place_change is None
            and not is_temporary(e.place)
            and following is not None
            and not is_temporary(following.place)
        ):
            yield "225", "REASON_PLACE_CHANGE", "Give the reason for the change of placement.", pid
        if e.reason_place_change is not None and e.dec is None:
            yield "233", "REASON_PLACE_CHANGE", "No reason for change: not ceased.", pid
        if e.reason_place_change is not None and is_temporary(e.place):
            yield "226", "REASON_PLACE_CHANGE", "No reason for change on a temporary one.", pid
        if e.rec is not None and e.rec not in ("X1",) and is_temporary(e.place):
            yield "381", "PLACE", "A period of care can't end with a temporary placement.", pid
        if following is not None and e.rec in ("E2", "E15"):
            yield "437", "REC", "The child died or is 18+, but further episodes follow.", pid
        yield from _ages_at_end(c, e)


def _ages_at_end(c: ChildReturn, e: Episode) -> Found:
    if e.dec is None or e.rec is None:
        return
    age = age_on(c.dob, e.dec)
    pid = e.placement_id
    checks = (
        ("386", e.rec in ("E11", "E12") and age >= 18, "Adopted, but the child is 18 or over."),
        ("387", e.rec in ("E5", "E6") and age < 14, "Independent living, but under 14."),
        ("389", e.rec == "E7" and age < 16, "Moved to adult social care, but under 16."),
        ("460", e.rec == "E17" and age < 18, "Stayed with carers at 18, but under 18."),
        ("407", e.rec in ("E45", "E46", "E47", "E48") and age >= 18, "An SGO, but 18+."),
    )
    for rule, broken, message in checks:
        if broken:
            yield rule, "REC", message, pid


def _starts(c: ChildReturn, year: int) -> Found:
    first, _ = collection_year(year)
    for index, e in enumerate(c.episodes):
        pid = e.placement_id
        previous = c.episodes[index - 1] if index > 0 else None
        if e.decom < c.dob:
            yield "302", "DECOM", "The episode starts before the child was born.", pid
        if e.rne == "S" and age_on(c.dob, e.decom) >= 18:
            yield "352", "DECOM", "The child started to be looked after aged 18 or over.", pid
        if e.decom == c.first_ever_decom and e.decom >= first and e.rne != "S":
            yield "357", "RNE", "The first episode ever must have RNE S.", pid
        if e.rne == "S" and is_temporary(e.place):
            yield "380", "PLACE", "A period of care can't start with a temporary placement.", pid
        if previous is not None and e.rne != "S" and previous.dec != e.decom:
            yield "433", "RNE", "A continuation episode must start the day the last ended.", pid
        if previous is not None and previous.dec == e.decom:
            yield from _continuation(previous, e)
        if e.ls in ("J1", "J2", "J3") and age_on(c.dob, e.decom) < 10:
            yield "358", "LS", "A child under 10 can't have this legal status.", pid
        if e.place == "P1" and e.ls == "V2":
            yield "378", "LS", "A child placed with parents can't be under section 20 (V2).", pid
        limits = {"L1": ("361", 3), "L2": ("362", 21), "L3": ("363", 7)}
        if e.ls in limits and e.dec is not None:
            rule, days = limits[e.ls]
            if (e.dec - e.decom).days > days:
                yield rule, "LS", f"{e.ls} lasted longer than {days} days.", pid


def _same_place(a: Episode, b: Episode) -> bool:
    return (a.place, a.pl_post, a.urn, a.place_provider) == (
        b.place,
        b.pl_post,
        b.urn,
        b.place_provider,
    ) and a.placement_id == b.placement_id


def _continuation(previous: Episode, e: Episode) -> Found:
    pid = e.placement_id
    moved = not _same_place(previous, e)
    ls_changed = previous.ls != e.ls
    if e.rne == "L" and (moved or not ls_changed):
        yield "434", "RNE", "RNE L, but the legal status did not change alone.", pid
    if e.rne in ("P", "T") and (ls_changed or not moved):
        yield "435", "RNE", "RNE P/T, but the placement did not change alone.", pid
    if e.rne in ("B", "U") and not (ls_changed and moved):
        yield "436", "RNE", "RNE B/U, but not both placement and legal status changed.", pid
    if e.rne == "S":
        yield "431", "RNE", "RNE S, but the previous episode ended the same day.", pid


def _postcodes(c: ChildReturn, year: int) -> Found:
    for e in c.episodes:
        pid = e.placement_id
        if e.ls in ("V3", "V4"):
            continue
        if e.home_post is None or e.pl_post is None:
            yield "392b", "HOME_POST", "Record the home_postcode and placement_postcode.", pid
            continue
        if normal_postcode(e.home_post) is None or normal_postcode(e.pl_post) is None:
            yield "392c", "PL_POST", "A postcode given is not a valid UK postcode.", pid
        elif e.home_post == e.pl_post and e.place != "P1":
            yield "392d", "PL_POST", "Home and placement postcodes are the same.", pid


def _reviews(c: ChildReturn, year: int) -> Found:
    for r in c.reviews:
        if r.code is None:
            message = "Start the CLA review's child_participation with its PN code (PN1-PN7)."
            yield "167", "REVIEW_CODE", message, None


RULES: tuple[Rule, ...] = (_header, _episode_codes, _endings, _starts, _postcodes, _reviews)


def check(child: ChildReturn, year: int) -> list[Issue]:
    """Every rule the child's part of the return breaks."""
    return [
        Issue(rule, child.child, child.person_id, column, message, placement_id)
        for rule_fn in RULES
        for rule, column, message, placement_id in rule_fn(child, year)
    ]
