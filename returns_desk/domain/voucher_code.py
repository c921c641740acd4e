"""Store-credit voucher codes: unguessable, with a check character that catches typos.

A code is ``V`` then 12 random characters from ``0-9A-Z`` (``secrets``: about 62 bits, so
guessing one is hopeless) and one ISO 7064 Mod 37,36 check character (python-stdnum's
``mod_37_36``: it catches every single-character error and every adjacent swap). It is
stored and scanned compact (``VK7M2Q9XW4HTBA``) and printed grouped for reading aloud
(``V-K7M2-Q9XW-4HTB-A``); clerks may type it either way, in any case, without the ``V``.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_37_36

PREFIX = "V"
BODY_CHARS = 12
ALPHABET = string.digits + string.ascii_uppercase


class VoucherCodeError(ValueError):
    """A voucher code that cannot be right, with the reason a clerk can act on."""


@dataclass(frozen=True, slots=True)
class VoucherCode:
    """A validated voucher code; ``compact`` is what the database and the barcode hold."""

    compact: str

    def pretty(self) -> str:
        """Grouped for reading aloud: ``V-K7M2-Q9XW-4HTB-A``."""
        body = self.compact[len(PREFIX) :]
        return "-".join([PREFIX, body[0:4], body[4:8], body[8:12], body[12:]])

    def __str__(self) -> str:
        return self.compact


def new_voucher_code() -> VoucherCode:
    """A fresh random code with its check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_CHARS))
    return VoucherCode(PREFIX + body + mod_37_36.calc_check_digit(body))


def parse_voucher_code(text: str) -> VoucherCode:
    """Validate what a clerk typed or a scanner sent; raise with a plain reason."""
    cleaned = re.sub(r"[\s\-]", "", text or "")
    if not cleaned:
        raise VoucherCodeError("no voucher code entered")
    if not cleaned.isascii():  # before upper(): "ß" would become "SS"
        bad = next(c for c in cleaned if not c.isascii())
        raise VoucherCodeError(f"voucher code {text!r} has {bad!r}; codes are letters and digits")
    cleaned = cleaned.upper()
    body = cleaned
    if cleaned.startswith(PREFIX) and len(cleaned) == BODY_CHARS + 2:
        body = cleaned[len(PREFIX) :]
    elif len(cleaned) != BODY_CHARS + 1:
        raise VoucherCodeError(
            f"voucher code {text!r} has {len(cleaned)} characters; "
            f"a voucher code is V and {BODY_CHARS + 1} letters or digits"
        )
    bad = next((c for c in body if c not in ALPHABET), None)
    if bad is not None:
        raise VoucherCodeError(f"voucher code {text!r} has {bad!r}; codes are letters and digits")
    try:
        mod_37_36.validate(body)
    except ValidationError as exc:
        raise VoucherCodeError(
            f"voucher code {text!r} fails its check character: mistyped or misscanned"
        ) from exc
    return VoucherCode(PREFIX + body)
