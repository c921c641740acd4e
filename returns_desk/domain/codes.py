"""Receipt codes with a check digit, so a mistyped or misscanned code is caught before lookup.

A receipt code is 13 digits: store (3), register (2), sequence (7) and a Damm check digit
(python-stdnum's ``damm``: it catches every single-digit error and every adjacent swap).
Clerks may type it with spaces or dashes; scanners send the bare digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import damm
from stdnum.exceptions import ValidationError

BODY_DIGITS = 12


class ReceiptCodeError(ValueError):
    """A receipt code that cannot be right, with the reason a clerk can act on."""


@dataclass(frozen=True, slots=True)
class ReceiptCode:
    """A validated receipt code and the parts it names."""

    digits: str

    @property
    def store_no(self) -> int:
        return int(self.digits[0:3])

    @property
    def register_no(self) -> int:
        return int(self.digits[3:5])

    @property
    def sequence(self) -> int:
        return int(self.digits[5:12])

    def pretty(self) -> str:
        """Grouped for reading aloud: ``101-02-0000123-4``."""
        d = self.digits
        return f"{d[0:3]}-{d[3:5]}-{d[5:12]}-{d[12]}"

    def __str__(self) -> str:
        return self.digits


def make_receipt_code(store_no: int, register_no: int, sequence: int) -> ReceiptCode:
    """Build the code a register prints on a new receipt."""
    if not (0 <= store_no < 1000 and 0 <= register_no < 100 and 0 <= sequence < 10**7):
        raise ReceiptCodeError(
            f"store {store_no}, register {register_no}, sequence {sequence} do not fit a code"
        )
    body = f"{store_no:03d}{register_no:02d}{sequence:07d}"
    return ReceiptCode(body + damm.calc_check_digit(body))


def parse_receipt_code(text: str) -> ReceiptCode:
    """Validate what a clerk typed or a scanner sent; raise with a plain reason."""
    cleaned = re.sub(r"[\s\-]", "", text or "")
    if not cleaned:
        raise ReceiptCodeError("no receipt code entered")
    if not (cleaned.isascii() and cleaned.isdigit()):  # "١٢٣" is digits, not ours
        bad = next(c for c in cleaned if not "0" <= c <= "9")
        raise ReceiptCodeError(f"receipt code {text!r} has {bad!r}; codes are digits only")
    if len(cleaned) != BODY_DIGITS + 1:
        raise ReceiptCodeError(
            f"receipt code {text!r} has {len(cleaned)} digits; a receipt code has 13"
        )
    try:
        damm.validate(cleaned)
    except ValidationError as exc:
        raise ReceiptCodeError(
            f"receipt code {text!r} fails its check digit: mistyped or misscanned"
        ) from exc
    return ReceiptCode(cleaned)


DESK_REGISTER_BASE = 90  # R1 ... R9 are 91 ... 99, as they always were
DESK_REGISTERS = 50  # a store's returns desks are named R1 ... R50
_DESK_NAME = re.compile(r"R([1-9][0-9]?)")


class RegisterNameError(ValueError):
    """A name that is not a returns-desk register's."""


def desk_register_number(label: str) -> int:
    """The register number a returns desk prints on its sales and exports, and that its
    returns are filed under: each desk name has its own.

    Desk registers are named ``R1`` to ``R50`` (no leading zero) and numbered down from 99,
    clear of the tills, which count up from 1, and within the two digits a receipt code gives
    a register: ``R1`` ... ``R9`` are 91 ... 99, ``R10`` is 90, ``R11`` is 89 ... ``R50`` is 50.
    An unnamed register (``""``, an actor that logged in without one) is ``R1``.
    """
    if label == "":
        return DESK_REGISTER_BASE + 1
    found = _DESK_NAME.fullmatch(label)
    n = int(found.group(1)) if found else 0
    if not 1 <= n <= DESK_REGISTERS:
        raise RegisterNameError(
            f"register {label!r}: a returns desk is named R1 to R{DESK_REGISTERS}"
        )
    return DESK_REGISTER_BASE + n if n < 10 else 100 - n
