"""Receipt codes carry a check digit: a mistyped or misscanned code never reaches lookup."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.codes import ReceiptCodeError, make_receipt_code, parse_receipt_code

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


@given(digits=st.text("0123456789", min_size=13, max_size=13))
def test_the_quick_check_agrees_with_python_stdnum(digits):
    from stdnum import damm

    if damm.is_valid(digits):
        assert parse_receipt_code(digits).digits == digits
        assert parse_receipt_code(f"{digits[:3]}-{digits[3:]}").digits == digits
    else:
        with pytest.raises(ReceiptCodeError, match="check digit"):
            parse_receipt_code(digits)
