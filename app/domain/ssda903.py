"""The SSDA903 return (children looked after): UPN check letters, codes derived from what
the API holds, and episodes as the DfE's guidance defines them, derived from placement
and legal status history. Pure: dates come in as arguments.

An episode is a stretch of a period of care with one placement and one legal status: a
new one starts whenever either changes. A period of care is a run of placements, each
starting the day the one before ended.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.ssda903_codes import TEMPORARY_PLACES

# The check letter of a UPN: characters 2-13 weighted 2..13, the sum modulo 23 (DfE's
# "Unique pupil numbers" guidance). The letters leave out I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")
# Codes for an unknown UPN (rule 168): UN1..UN5.
UPN_UNKNOWN = re.compile(r"^UN[1-5]$")
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def upn_check_letter(upn: str) -> str:
    """The check letter characters 2-13 of `upn` call for (a temporary UPN ends in a
    letter, counted by its place in the check letters)."""
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * weight
    return UPN_LETTERS[total % 23]


def upn_is_valid(upn: str) -> bool:
    if UPN_UNKNOWN.match(upn):
        return True
    return bool(UPN_PATTERN.match(upn)) and upn[0] == upn_check_letter(upn)


def normal_postcode(value: str) -> str | None:
    """`ab1 2cd` -> `AB1 2CD`; None when it is not a UK postcode."""
    match = POSTCODE.match(value.strip().upper())
    return f"{match.group(1)} {match.group(2)}" if match else None


def child_ref(person_id: str) -> str:
    """The return's CHILD: ten characters derived from, but not revealing, our id."""
    return "C" + hashlib.sha256(f"ssda903:{person_id}".encode()).hexdigest()[:9].upper()


def derive_place(service: str) -> str | None:
    """PLACE from the provider's service: a foster carer -> U6 (other foster carer, not
    long term or FFA), a residential home -> K2; None where it can't be told."""
    return {"foster_care": "U6", "residential": "K2"}.get(service)


def derive_place_provider(external: bool) -> str:
    """PLACE_PROVIDER: in-house -> PR1 (own provision), external -> PR4 (private)."""
    return "PR4" if external else "PR1"


@dataclass(frozen=True)
class PlacementFacts:
    """One placement as the return needs it (URN resolved from the provider)."""

    placement_id: str
    start_date: date
    end_date: date | None
    place: str | None = None
    place_provider: str | None = None
    reason_new_episode: str | None = None
    reason_episode_ceased: str | None = None
    reason_place_change: str | None = None
    home_post: str | None = None
    pl_post: str | None = None
    urn: str | None = None


@dataclass(frozen=True)
class LegalStatusFacts:
    code: str
    start_date: date


@dataclass(frozen=True)
class Episode:
    decom: date
    rne: str | None
    ls: str | None
    place: str | None
    place_provider: str | None
    dec: date | None
    rec: str | None
    reason_place_change: str | None
    home_post: str | None
    pl_post: str | None
    urn: str | None
    placement_id: str
    period_start: date


def legal_status_on(statuses: Sequence[LegalStatusFacts], day: date) -> str | None:
    """The legal status in force on `day`: the latest one started on or before it."""
    started = [s for s in statuses if s.start_date <= day]
    return max(started, key=lambda s: s.start_date).code if started else None


def periods_of_care(placements: Sequence[PlacementFacts]) -> list[list[PlacementFacts]]:
    """Placements grouped into periods of care: a placement that starts on (or before) the
    day the previous one ended continues the period."""
    periods: list[list[PlacementFacts]] = []
    for placement in sorted(placements, key=lambda p: (p.start_date, p.placement_id)):
        last = periods[-1][-1] if periods else None
        if last is not None and (last.end_date is None or placement.start_date <= last.end_date):
            periods[-1].append(placement)
        else:
            periods.append([placement])
    return periods


def _rne(first: bool, moved: bool, ls_changed: bool, given: str | None) -> str:
    if first:
        return "S"
    temporary = given in ("T", "U")
    if moved and ls_changed:
        return "U" if temporary else "B"
    if moved:
        return "T" if temporary else "P"
    return "L"


def _period_episodes(
    period: list[PlacementFacts], statuses: Sequence[LegalStatusFacts]
) -> list[Episode]:
    start = period[0].start_date
    end = period[-1].end_date
    starts = {p.start_date: p for p in period}
    within = {
        s.start_date
        for s in statuses
        if start < s.start_date and (end is None or s.start_date < end)
    }
    changes = sorted(within | set(starts))
    episodes: list[Episode] = []
    current = period[0]
    previous_ls: str | None = None
    for index, day in enumerate(changes):
        moved = day in starts and index > 0
        current = starts.get(day, current)
        ls = legal_status_on(statuses, day)
        if index > 0 and not moved and ls == previous_ls:
            continue  # a status restated with the same code changes nothing
        # A reason given on the placement wins on the day it starts (rules 357 and
        # 433-436 then check it against the history); otherwise it is derived.
        given = current.reason_new_episode if current.start_date == day else None
        rne = given or _rne(index == 0, moved, ls != previous_ls, current.reason_new_episode)
        episodes.append(
            Episode(
                decom=day,
                rne=rne,
                ls=ls,
                place=current.place,
                place_provider=current.place_provider,
                dec=None,
                rec=None,
                reason_place_change=None,
                home_post=current.home_post,
                pl_post=current.pl_post,
                urn=current.urn,
                placement_id=current.placement_id,
                period_start=start,
            )
        )
        previous_ls = ls
    by_id = {p.placement_id: p for p in period}
    closed: list[Episode] = []
    for index, episode in enumerate(episodes):
        following = episodes[index + 1] if index + 1 < len(episodes) else None
        placement = by_id[episode.placement_id]
        if following is not None:
            moving = following.placement_id != episode.placement_id
            closed.append(
                replace(
                    episode,
                    dec=following.decom,
                    rec="X1",
                    reason_place_change=placement.reason_place_change if moving else None,
                )
            )
        elif end is not None:
            closed.append(replace(episode, dec=end, rec=placement.reason_episode_ceased))
        else:
            closed.append(episode)
    return closed


def derive_episodes(
    placements: Sequence[PlacementFacts], statuses: Sequence[LegalStatusFacts]
) -> list[Episode]:
    """Every episode of the child's history, oldest first."""
    out: list[Episode] = []
    for period in periods_of_care(placements):
        out.extend(_period_episodes(period, statuses))
    return out


def collection_year(year: int) -> tuple[date, date]:
    """Year 2026 is the collection year 1 April 2025 to 31 March 2026."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def episodes_in_year(episodes: Sequence[Episode], year: int) -> list[Episode]:
    """The episodes open at any time in the collection year, as they stood on 31 March:
    one that ends after the year is reported open (no DEC, REC or reason for change)."""
    first, last = collection_year(year)
    out: list[Episode] = []
    for episode in episodes:
        if episode.decom > last or (episode.dec is not None and episode.dec < first):
            continue
        if episode.dec is not None and episode.dec > last:
            episode = replace(episode, dec=None, rec=None, reason_place_change=None)
        out.append(episode)
    return out


def is_temporary(place: str | None) -> bool:
    return place in TEMPORARY_PLACES


def age_on(dob: date, day: date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts on 1 March)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


PARTICIPATION = re.compile(r"^\s*(PN[0-7])\b")


def review_code(dob: date, held_on: date, child_participation: str | None) -> str | None:
    """REVIEW_CODE: PN0 for a child under 4 at the review (rules 440, 441); otherwise the
    PN code the CLA review record's `child_participation` starts with, if it does."""
    if age_on(dob, held_on) < 4:
        return "PN0"
    match = PARTICIPATION.match(child_participation or "")
    return match.group(1) if match and match.group(1) != "PN0" else None


HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
REVIEW_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


def dmy(day: date | None) -> str:
    """Dates as the return writes them: DD/MM/YYYY."""
    return day.strftime("%d/%m/%Y") if day else ""


def episode_row(child: str, cin: str | None, e: Episode) -> list[str]:
    return [
        child,
        dmy(e.decom),
        e.rne or "",
        e.ls or "",
        cin or "",
        e.place or "",
        e.place_provider or "",
        dmy(e.dec),
        e.rec or "",
        e.reason_place_change or "",
        e.home_post or "",
        e.pl_post or "",
        e.urn or "",
    ]
