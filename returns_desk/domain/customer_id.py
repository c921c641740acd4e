"""The photo ID a customer shows for a return without a receipt, and what the desk keeps of it.

The desk never stores an ID number. It keeps:

- the ID's type (``drivers_license``, ...);
- a fingerprint: HMAC-SHA256 of the type and the normalised number under a secret key the
  database does not hold (see ``services.receiptless.id_key``), so the same ID can be
  counted against the policy's per-customer limit, yet a copy of the database alone
  cannot be searched for a number, not even by trying every possible one;
- a masked form for people to read (``***89``: the last two characters, like masked
  customer ids elsewhere, never hinting at the length).

The raw number lives only in memory for as long as one return takes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from enum import StrEnum


class IdKind(StrEnum):
    """The kinds of photo ID the counter accepts."""

    DRIVERS_LICENSE = "drivers_license"
    STATE_ID = "state_id"
    PASSPORT = "passport"
    MILITARY_ID = "military_id"

    @property
    def words(self) -> str:
        return ID_WORDS[self]


ID_WORDS = {
    IdKind.DRIVERS_LICENSE: "driver's licence",
    IdKind.STATE_ID: "state ID card",
    IdKind.PASSPORT: "passport",
    IdKind.MILITARY_ID: "military ID",
}
MIN_LENGTH, MAX_LENGTH = 4, 20


def mask(customer_id: str | None) -> str | None:
    """Hide a customer or loyalty id but its last two characters, never hinting at its
    length: ``***42``. Exports, the command line and anyone not serving customers see this."""
    if not customer_id:
        return customer_id
    return "***" + customer_id[-2:] if len(customer_id) > 4 else "***"


class CustomerIdError(ValueError):
    """An ID type or number the desk cannot take; the message says what to fix."""


@dataclass(frozen=True)
class CustomerId:
    """An ID as typed at the counter: its kind and number (normalised; kept out of repr).

    Build it with :func:`parse_customer_id`. Only :meth:`fingerprint` and :attr:`masked`
    are ever written anywhere.
    """

    kind: IdKind
    number: str = field(repr=False)

    @property
    def masked(self) -> str:
        """The last two characters behind three stars: ``***89``."""
        return "***" + self.number[-2:]

    @property
    def words(self) -> str:
        """For the clerk and the slip: ``driver's licence ***89``."""
        return f"{self.kind.words} {self.masked}"

    def fingerprint(self, key: bytes) -> str:
        """HMAC-SHA256 (hex) of kind and number under ``key``: equal IDs, equal prints."""
        message = f"{self.kind.value}:{self.number}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()


def parse_customer_id(kind: str, number: str) -> CustomerId:
    """Check and normalise: spaces and dashes dropped, letters upper case, 4-20 characters."""
    try:
        id_kind = IdKind(kind.strip().lower())
    except ValueError:
        known = ", ".join(k.value for k in IdKind)
        raise CustomerIdError(f"ID type {kind!r}: use one of {known}") from None
    cleaned = "".join(c for c in number if c not in " -").upper()
    if not cleaned:
        raise CustomerIdError(f"type the number of the customer's {id_kind.words}")
    if not cleaned.isalnum() or not cleaned.isascii():
        raise CustomerIdError("ID number: letters and digits only")
    if not MIN_LENGTH <= len(cleaned) <= MAX_LENGTH:
        raise CustomerIdError(f"ID number: {MIN_LENGTH} to {MAX_LENGTH} letters and digits")
    return CustomerId(id_kind, cleaned)
