"""Receipt codes carry a check digit: a mistyped or misscanned code never reaches lookup."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from returns_desk.domain.codes import (
    DESK_REGISTERS,
    ReceiptCodeError,
    RegisterNameError,
    desk_register_number,
    make_receipt_code,
    parse_receipt_code,
)
from returns_desk.settings import Settings

codes = st.builds(
    make_receipt_code, st.integers(0, 999), st.integers(0, 99), st.integers(0, 10**7 - 1)
)


def test_a_printed_code_reads_back_with_its_parts():
    code = make_receipt_code(101, 2, 123)
    parsed = parse_receipt_code(code.pretty())
    assert (parsed.store_no, parsed.register_no, parsed.sequence) == (101, 2, 123)
    assert parsed.pretty().startswith("101-02-0000123-")


@given(code=codes, position=st.integers(0, 12), delta=st.integers(1, 9))
def test_every_single_digit_mistake_is_caught(code, position, delta):
    digits = list(code.digits)
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(ReceiptCodeError, match="check digit"):
        parse_receipt_code("".join(digits))


@given(code=codes, position=st.integers(0, 11))
def test_every_swap_of_neighbouring_digits_is_caught(code, position):
    digits = list(code.digits)
    if digits[position] == digits[position + 1]:
        return
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    with pytest.raises(ReceiptCodeError, match="check digit"):
        parse_receipt_code("".join(digits))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "no receipt code entered"),
        ("10102000012", "has 11 digits"),
        ("1010200O01234", "digits only"),
    ],
)
def test_malformed_codes_say_what_is_wrong(typed, message):
    with pytest.raises(ReceiptCodeError, match=message):
        parse_receipt_code(typed)


# A desk register's number: sales, exports, the audit trail and the title all show it.
register_names = st.one_of(
    st.from_regex(r"[Rr]0?[0-9]{1,3}", fullmatch=True),
    st.sampled_from(["", "R", "K1", "cli", " R2", "R2 ", "R-1", "R1.5"]),
    st.text(max_size=5),
)


def _accepted(name: str) -> str | None:
    """The name as the settings keep it, or None where they refuse it."""
    try:
        return Settings(RETURNS_DESK_REGISTER=name).register_name
    except ValidationError:
        return None


@given(a=register_names, b=register_names)
@example(a="R1", b="R11").via("the % 10 that put R1 and R11 on one register row")
@example(a="R10", b="R0")
def test_distinct_desk_register_names_have_distinct_numbers(a, b):
    kept_a, kept_b = _accepted(a), _accepted(b)
    if kept_a is None or kept_b is None or kept_a == kept_b:
        return
    assert desk_register_number(kept_a) != desk_register_number(kept_b)


def test_every_desk_register_has_its_own_number_that_fits_a_receipt_code():
    names = [f"R{n}" for n in range(1, DESK_REGISTERS + 1)]
    numbers = [desk_register_number(name) for name in names]
    assert len(set(numbers)) == len(names) == 50
    for number in numbers:  # an exchange at the desk prints a receipt from its register
        assert parse_receipt_code(make_receipt_code(101, number, 1).digits).register_no == number


def test_desks_keep_the_numbers_they_had():
    assert [desk_register_number(f"R{n}") for n in range(1, 11)] == [*range(91, 100), 90]
    assert desk_register_number("") == 91  # an actor logged in without a register name


@pytest.mark.parametrize("name", ["R0", "R51", "R01", "r2", "K1", "Desk 2", "R"])
def test_a_name_that_is_no_desk_register_is_refused_by_the_settings(name):
    with pytest.raises(RegisterNameError, match="named R1 to R50"):
        desk_register_number(name)
    assert _accepted(name) is None
