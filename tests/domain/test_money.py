"""Money is exact Decimal, rounded in one place, split without losing a cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.money import (
    MoneyError,
    allocate,
    format_money,
    from_minor,
    parse_money,
    round_money,
    to_minor,
)

cents = st.integers(min_value=-(10**9), max_value=10**9).map(from_minor)


def test_round_money_is_half_up_to_the_cent():
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")


def test_floats_are_refused_because_they_are_not_exact():
    with pytest.raises(MoneyError, match="float"):
        round_money(0.1)  # type: ignore[arg-type]


def test_journal_amounts_finer_than_a_cent_are_refused():
    with pytest.raises(MoneyError, match="more than two decimal places"):
        parse_money("1.005")
    assert parse_money("19.9") == Decimal("19.90")


def test_to_minor_refuses_to_drop_fractions_of_a_cent():
    assert to_minor(Decimal("12.34")) == 1234
    with pytest.raises(MoneyError):
        to_minor(Decimal("12.345"))


@given(total=cents, weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_allocate_parts_sum_to_exactly_the_total(total, weights):
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    assert len(parts) == len(weights)


@given(total=cents.filter(lambda d: d >= 0), weights=st.lists(st.integers(1, 1000), min_size=1))
def test_allocate_parts_are_within_a_cent_of_their_fair_share(total, weights):
    parts = allocate(total, weights)
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / whole) < Decimal("0.01")


def test_allocate_a_coupon_over_three_equal_lines_gives_the_odd_cent_to_the_first():
    assert allocate(Decimal("10.00"), [1, 1, 1]) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]


def test_format_money_for_the_counter():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    assert format_money(Decimal("-3")) == "-$3.00"
