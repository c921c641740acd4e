"""Store-credit voucher codes: unguessable, with a check character that catches typos.

A code is ``V`` then 12 random characters from ``0-9A-Z`` (``secrets``: about 62 bits, so
guessing one is hopeless) and one ISO 7064 Mod 37,36 check character (python-stdnum's
``mod_37_36``: it catches every single-character error and every adjacent swap). It is
stored and scanned compact (``VK7M2Q9XW4HTBA``) and printed grouped for reading aloud
(``V-K7M2-Q9XW-4HTB-A``); clerks may type it either way, in any case, without the ``V``.

:class:`CheckedCodeFormat` is that recipe for any prefix and length (pre-return codes use
it too).
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
class CheckedCodeFormat:
    """A prefix letter, ``body_chars`` random characters and a Mod 37,36 check character;
    printed as the prefix, the body in ``groups`` and the check character, dash-separated."""

    prefix: str
    body_chars: int
    noun: str
    groups: tuple[int, ...]

    def new(self) -> str:
        """A fresh random code, compact."""
        body = "".join(secrets.choice(ALPHABET) for _ in range(self.body_chars))
        return self.prefix + body + mod_37_36.calc_check_digit(body)

    def pretty(self, compact: str) -> str:
        """Grouped for reading aloud: ``V-K7M2-Q9XW-4HTB-A``."""
        body, start, chunks = compact[len(self.prefix) :], 0, [self.prefix]
        for size in self.groups:
            chunks.append(body[start : start + size])
            start += size
        return "-".join([*chunks, body[start:]])

    def parse(self, text: str, error: type[ValueError]) -> str:
        """The compact code for what a clerk typed or a scanner sent; ``error`` with a plain
        reason if it cannot be right."""
        noun, body_chars = self.noun, self.body_chars
        cleaned = re.sub(r"[\s\-]", "", text or "")
        if not cleaned:
            raise error(f"no {noun} entered")
        if not cleaned.isascii():  # before upper(): "ß" would become "SS"
            bad = next(c for c in cleaned if not c.isascii())
            raise error(f"{noun} {text!r} has {bad!r}; codes are letters and digits")
        cleaned = cleaned.upper()
        body = cleaned
        if cleaned.startswith(self.prefix) and len(cleaned) == body_chars + 2:
            body = cleaned[len(self.prefix) :]
        elif len(cleaned) != body_chars + 1:
            raise error(
                f"{noun} {text!r} has {len(cleaned)} characters; "
                f"{_article(noun)} is {self.prefix} and {body_chars + 1} letters or digits"
            )
        odd = next((c for c in body if c not in ALPHABET), None)
        if odd is not None:
            raise error(f"{noun} {text!r} has {odd!r}; codes are letters and digits")
        try:
            mod_37_36.validate(body)
        except ValidationError as exc:
            raise error(
                f"{noun} {text!r} fails its check character: mistyped or misscanned"
            ) from exc
        return self.prefix + body


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


VOUCHER = CheckedCodeFormat(PREFIX, BODY_CHARS, "voucher code", (4, 4, 4))


@dataclass(frozen=True, slots=True)
class VoucherCode:
    """A validated voucher code; ``compact`` is what the database and the barcode hold."""

    compact: str

    def pretty(self) -> str:
        """Grouped for reading aloud: ``V-K7M2-Q9XW-4HTB-A``."""
        return VOUCHER.pretty(self.compact)

    def __str__(self) -> str:
        return self.compact


def new_voucher_code() -> VoucherCode:
    """A fresh random code with its check character."""
    return VoucherCode(VOUCHER.new())


def parse_voucher_code(text: str) -> VoucherCode:
    """Validate what a clerk typed or a scanner sent; raise with a plain reason."""
    return VoucherCode(VOUCHER.parse(text, VoucherCodeError))
