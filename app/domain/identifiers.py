"""Identifiers other systems give people, checked as their issuers define them."""

from __future__ import annotations

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS modulus 11 check digit of nine digits: weights 10..2, 11 minus the
    remainder of the sum by 11 (11 is 0); None when it would be 10 (no valid number)."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(value: str) -> bool:
    """Ten ASCII digits whose last is the modulus 11 check digit of the nine before."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    return nhs_check_digit(value[:9]) == int(value[9])
