"""NHS numbers: the modulus 11 check digit."""

from __future__ import annotations

import pytest

from app.domain.identifiers import is_valid_nhs_number, nhs_check_digit


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9990001006", "0000000000"])
def test_valid_nhs_numbers(number: str) -> None:
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "9434765910",
        "1234567890",  # check digit would be 10: no such number
        "943476591",  # nine digits
        "94347659190",
        "943476591a",
        "\u0669434765919",  # a non-ASCII digit
        "",
    ],
)
def test_invalid_nhs_numbers(number: str) -> None:
    assert not is_valid_nhs_number(number)


def test_check_digit_rules() -> None:
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("123456789") is None  # 11 - 1 = 10
    assert nhs_check_digit("000000000") == 0  # 11 -> 0
