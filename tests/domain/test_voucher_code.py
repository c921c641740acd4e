"""Voucher codes: random, check character catches typos, typed any way a clerk types."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.voucher_code import (
    ALPHABET,
    VoucherCodeError,
    new_voucher_code,
    parse_voucher_code,
)


def test_new_codes_are_distinct_and_valid():
    codes = {new_voucher_code().compact for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert code.startswith("V") and len(code) == 14
        assert parse_voucher_code(code).compact == code


def test_typed_grouped_lowercase_or_without_prefix():
    code = new_voucher_code()
    for typed in (code.pretty(), code.pretty().lower(), code.compact[1:], f" {code.compact} "):
        assert parse_voucher_code(typed) == code
    assert code.pretty().count("-") == 4


@given(st.integers(0, 12), st.sampled_from(ALPHABET))
def test_any_single_character_error_is_caught(position, replacement):
    code = new_voucher_code().compact
    body = code[1:]
    if body[position] == replacement:
        return
    typo = body[:position] + replacement + body[position + 1 :]
    with pytest.raises(VoucherCodeError, match="check character"):
        parse_voucher_code(typo)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "no voucher code"), ("V-123", "has 4 characters"), ("V-ABCD-EFGH-IJK*-L", "'*'")],
)
def test_bad_input_says_why(text, reason):
    with pytest.raises(VoucherCodeError, match=reason.replace("*", r"\*")):
        parse_voucher_code(text)
