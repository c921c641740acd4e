"""Receipt and voucher codes as clerks type them and scanners send them: a code, or a
reason; never an unhandled exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.domain.codes import ReceiptCodeError, make_receipt_code, parse_receipt_code
from returns_desk.domain.voucher_code import (
    VoucherCodeError,
    new_voucher_code,
    parse_voucher_code,
)

FUZZ = settings.get_profile("fuzz")
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RECEIPTS = st.builds(
    make_receipt_code, st.integers(0, 999), st.integers(0, 99), st.integers(0, 10**7 - 1)
)
TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789- ١٢٣٤٥٦٧٨٩٠０１２", max_size=20),
    st.text(alphabet=ALPHANUMERIC + "-ßﬁİı ", max_size=20),
    RECEIPTS.map(lambda c: c.pretty()),
    st.just(None).map(lambda _: new_voucher_code().pretty()),
)


@FUZZ
@given(text=TYPED)
def test_receipt_codes(text):
    try:
        code = parse_receipt_code(text)
    except ReceiptCodeError as exc:
        assert str(exc)
        return
    assert len(code.digits) == 13 and code.digits.isascii() and code.digits.isdigit()
    assert parse_receipt_code(code.pretty()) == code


@FUZZ
@given(text=TYPED)
def test_voucher_codes(text):
    try:
        code = parse_voucher_code(text)
    except VoucherCodeError as exc:
        assert str(exc)
        return
    assert code.compact.isascii() and len(code.compact) == 14
    assert parse_voucher_code(code.pretty()) == code
