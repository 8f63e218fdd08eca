"""The SSDA903 return's pure rules: UPN check letters, episodes derived from placement
and legal status history, the collection year, codes and validation rules."""

from __future__ import annotations

from datetime import date

from app.domain.ssda903 import (
    LegalStatusFacts,
    PlacementFacts,
    child_ref,
    derive_episodes,
    derive_place,
    derive_place_provider,
    episodes_in_year,
    normal_postcode,
    review_code,
    upn_check_letter,
    upn_is_valid,
)
from app.domain.ssda903_rules import ChildReturn, check


def with_check_letter(body: str) -> str:
    """A UPN made of a check letter and the 12 characters after it."""
    return upn_check_letter("?" + body) + body


def test_upn_check_letter_is_the_weighted_sum_modulo_23() -> None:
    # 12 characters weighted 2..13: 2*0+3*0+...: all zeros -> remainder 0 -> A.
    assert upn_check_letter("?000000000000") == "A"
    # A 1 in position 2 weighs 2 -> C; in position 13 weighs 13 -> P (I, O, S left out).
    assert upn_check_letter("?100000000000") == "C"
    assert upn_check_letter("?000000000001") == "P"
    upn = with_check_letter("201301123456")
    assert upn_is_valid(upn)
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]
    assert not upn_is_valid(wrong)


def test_upn_temporary_letter_and_unknown_codes() -> None:
    temporary = with_check_letter("20130112345A")
    assert upn_is_valid(temporary)
    assert upn_is_valid("UN3") and not upn_is_valid("UN6")
    assert not upn_is_valid("I" + temporary[1:])
    assert not upn_is_valid(temporary[:12])


def test_codes_are_derived_from_the_provider() -> None:
    assert derive_place("foster_care") == "U6"
    assert derive_place("residential") == "K2"
    assert derive_place("supported_living") is None
    assert derive_place_provider(external=False) == "PR1"
    assert derive_place_provider(external=True) == "PR4"
    assert normal_postcode("ab1 2cd") == "AB1 2CD"
    assert normal_postcode("SW1A1AA") == "SW1A 1AA"
    assert normal_postcode("not a postcode") is None


def test_child_ref_is_stable_short_and_not_the_id() -> None:
    pid = "0190a2b4-0000-7000-8000-000000000001"
    assert child_ref(pid) == child_ref(pid)
    assert len(child_ref(pid)) == 10 and pid[:8].upper() not in child_ref(pid)


def placement(pid: str, start: date, end: date | None = None, **kw: object) -> PlacementFacts:
    fields: dict[str, object] = {
        "place": "U6",
        "place_provider": "PR1",
        "home_post": "AB1 2CD",
        "pl_post": "EF3 4GH",
        "urn": "SC123456",
    }
    fields.update(kw)
    return PlacementFacts(placement_id=pid, start_date=start, end_date=end, **fields)  # type: ignore[arg-type]


def test_a_move_and_a_legal_status_change_make_new_episodes() -> None:
    placements = [
        placement("a", date(2025, 5, 1), date(2025, 9, 1), reason_place_change="CARPL"),
        placement("b", date(2025, 9, 1), date(2026, 2, 1), reason_episode_ceased="E4A"),
    ]
    statuses = [LegalStatusFacts("V2", date(2025, 5, 1)), LegalStatusFacts("C1", date(2025, 7, 1))]
    episodes = derive_episodes(placements, statuses)
    assert [(e.decom, e.rne, e.ls, e.dec, e.rec, e.reason_place_change) for e in episodes] == [
        (date(2025, 5, 1), "S", "V2", date(2025, 7, 1), "X1", None),
        (date(2025, 7, 1), "L", "C1", date(2025, 9, 1), "X1", "CARPL"),
        (date(2025, 9, 1), "P", "C1", date(2026, 2, 1), "E4A", None),
    ]


def test_a_status_and_placement_change_on_one_day_is_one_b_episode() -> None:
    placements = [
        placement("a", date(2025, 5, 1), date(2025, 9, 1), reason_place_change="LAREQ"),
        placement("b", date(2025, 9, 1)),
    ]
    statuses = [LegalStatusFacts("C1", date(2025, 5, 1)), LegalStatusFacts("C2", date(2025, 9, 1))]
    episodes = derive_episodes(placements, statuses)
    assert [(e.rne, e.ls, e.dec) for e in episodes] == [
        ("S", "C1", date(2025, 9, 1)),
        ("B", "C2", None),
    ]


def test_a_gap_between_placements_starts_a_new_period_of_care() -> None:
    placements = [
        placement("a", date(2024, 1, 1), date(2024, 6, 1), reason_episode_ceased="E4A"),
        placement("b", date(2025, 1, 1)),
    ]
    episodes = derive_episodes(placements, [LegalStatusFacts("V2", date(2024, 1, 1))])
    assert [(e.rne, e.rec, e.period_start) for e in episodes] == [
        ("S", "E4A", date(2024, 1, 1)),
        ("S", None, date(2025, 1, 1)),
    ]


def test_a_restated_status_with_the_same_code_changes_nothing() -> None:
    statuses = [LegalStatusFacts("C2", date(2025, 5, 1)), LegalStatusFacts("C2", date(2025, 8, 1))]
    episodes = derive_episodes([placement("a", date(2025, 5, 1))], statuses)
    assert len(episodes) == 1


def test_the_year_keeps_open_episodes_and_reports_later_endings_open() -> None:
    placements = [
        placement("old", date(2023, 1, 1), date(2024, 1, 1), reason_episode_ceased="E8"),
        placement("a", date(2025, 1, 1), date(2026, 5, 1), reason_episode_ceased="E4A"),
    ]
    episodes = derive_episodes(placements, [LegalStatusFacts("C2", date(2023, 1, 1))])
    in_year = episodes_in_year(episodes, 2026)
    assert [(e.placement_id, e.dec, e.rec) for e in in_year] == [("a", None, None)]
    assert episodes_in_year(episodes, 2027)[0].dec == date(2026, 5, 1)


def test_review_code_pn0_under_four_else_from_participation() -> None:
    assert review_code(date(2023, 1, 1), date(2026, 1, 1), "PN1 attended") == "PN0"
    assert review_code(date(2015, 1, 1), date(2026, 1, 1), "PN5: briefed an advocate") == "PN5"
    assert review_code(date(2015, 1, 1), date(2026, 1, 1), "Attended and spoke") is None


def child(**kw: object) -> ChildReturn:
    placements = kw.pop("placements", [placement("a", date(2025, 5, 1))])
    statuses = kw.pop("statuses", [LegalStatusFacts("C2", date(2025, 5, 1))])
    episodes = derive_episodes(placements, statuses)  # type: ignore[arg-type]
    fields: dict[str, object] = {
        "person_id": "0190a2b4-0000-7000-8000-000000000001",
        "child": "C000000001",
        "dob": date(2012, 5, 1),
        "sex": "F",
        "ethnicity": "WBRI",
        "upn": with_check_letter("201301123456"),
        "mother": False,
        "mother_child_dob": None,
        "category_of_need": "N1",
        "episodes": episodes_in_year(episodes, 2026),
        "first_ever_decom": episodes[0].decom if episodes else None,
    }
    fields.update(kw)
    return ChildReturn(**fields)  # type: ignore[arg-type]


def rules_of(c: ChildReturn) -> set[str]:
    return {issue.rule for issue in check(c, 2026)}


def test_a_complete_child_breaks_no_rule() -> None:
    assert rules_of(child()) == set()


def test_header_rules() -> None:
    assert rules_of(child(sex=None)) == {"101"}
    assert rules_of(child(sex="U")) == set()  # M, F or U since 2024-25 (API.md)
    assert rules_of(child(ethnicity="White")) == {"103"}
    assert rules_of(child(upn=None)) == {"442"}
    good = with_check_letter("201301123456")
    wrong = ("B" if good[0] != "B" else "C") + good[1:]
    assert rules_of(child(upn=wrong)) == {"168"}
    assert rules_of(child(mother=None)) == {"393"}
    assert rules_of(child(mother=True)) == {"611"}
    assert rules_of(child(mother_child_dob=date(2026, 1, 1))) == {"612"}
    assert rules_of(child(category_of_need=None)) == {"145"}


def test_episode_rules() -> None:
    assert rules_of(child(statuses=[])) == {"144"}
    assert rules_of(child(placements=[placement("a", date(2025, 5, 1), place=None)])) == {"146"}
    no_provider = [placement("a", date(2025, 5, 1), place_provider=None)]
    assert rules_of(child(placements=no_provider)) == {"526"}
    assert rules_of(child(placements=[placement("a", date(2025, 5, 1), urn=None)])) == {"218"}
    pr0 = [placement("a", date(2025, 5, 1), place_provider="PR0")]
    assert rules_of(child(placements=pr0)) == {"550"}
    no_post = [placement("a", date(2025, 5, 1), pl_post=None)]
    assert rules_of(child(placements=no_post)) == {"392b"}
    same = [placement("a", date(2025, 5, 1), pl_post="AB1 2CD")]
    assert rules_of(child(placements=same)) == {"392d"}


def test_ending_rules() -> None:
    no_rec = [placement("a", date(2025, 5, 1), date(2025, 8, 1))]
    assert rules_of(child(placements=no_rec)) == {"148"}
    lone_x1 = [placement("a", date(2025, 5, 1), date(2025, 8, 1), reason_episode_ceased="X1")]
    assert rules_of(child(placements=lone_x1)) == {"388"}
    moved = [
        placement("a", date(2025, 5, 1), date(2025, 8, 1)),
        placement("b", date(2025, 8, 1)),
    ]
    assert rules_of(child(placements=moved)) == {"225"}
    adopted_at_14 = [placement("a", date(2025, 5, 1), date(2026, 2, 1), reason_episode_ceased="E5")]
    assert rules_of(child(placements=adopted_at_14, dob=date(2012, 5, 1))) == {"387"}


def test_start_rules() -> None:
    given_p = [placement("a", date(2025, 5, 1), reason_new_episode="P")]
    assert rules_of(child(placements=given_p)) == {"357"}
    before_birth = child(dob=date(2025, 6, 1), upn="UN1")
    assert "302" in rules_of(before_birth)
    remand = child(statuses=[LegalStatusFacts("J1", date(2025, 5, 1))], dob=date(2017, 1, 1))
    assert rules_of(remand) == {"358"}
