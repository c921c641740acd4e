"""Pre-registered returns: a customer starts a return before coming in and gets a code.

The code is two things. The **token** (``PT`` and 26 characters: 128 random bits from
``secrets``) goes in the QR code; the desk keeps only its SHA-256, so even someone reading
the database cannot make a working QR. The **short code** (``P-K7M2-Q9XW-A``: 8 random
characters and an ISO 7064 Mod 37,36 check character, like a voucher code) is for typing;
a typo is caught before any look-up. Both are single-use: once the return is completed,
cancelled, declined or expired, neither opens anything.

States: requested -> approved or declined (the policy's pre-check) -> completed, expired
or cancelled. Only requested and approved ones hold their units.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from returns_desk.domain.voucher_code import CheckedCodeFormat

TOKEN_PREFIX = "PT"
TOKEN_BYTES = 16  # 128 bits
TOKEN_CHARS = 26  # base32 of 16 bytes, without padding
SHORT_CODE = CheckedCodeFormat(prefix="P", body_chars=8, noun="pre-return code", groups=(4, 4))


class PreReturnError(ValueError):
    """A pre-registered return that cannot be started, found or moved; the message says why."""


class PreReturnCodeError(PreReturnError):
    """A code that cannot be right (checked before any look-up)."""


class Status(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


HOLDING = frozenset({Status.REQUESTED, Status.APPROVED})  # these hold reserved units
MOVES: dict[Status, frozenset[Status]] = {
    Status.REQUESTED: frozenset(
        {Status.APPROVED, Status.DECLINED, Status.CANCELLED, Status.EXPIRED}
    ),
    Status.APPROVED: frozenset({Status.COMPLETED, Status.CANCELLED, Status.EXPIRED}),
}


def check_move(reference: str, source: Status, target: Status) -> None:
    """Refuse a move the states do not allow, saying what state it is in."""
    if target not in MOVES.get(source, frozenset()):
        raise PreReturnError(
            f"pre-return {reference} is {source.value}; it cannot be {target.value}"
        )


def expires_at(created: datetime, days: int) -> datetime:
    """When a pre-registration made at ``created`` stops holding its units."""
    return created + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """What the customer gets once: the QR token and the short code, both in plain text."""

    token: str
    short: str  # compact, as stored and scanned: ``PK7M2Q9XWA``

    @property
    def pretty(self) -> str:
        return SHORT_CODE.pretty(self.short)

    @property
    def token_digest(self) -> str:
        return token_digest(self.token)


def new_code() -> IssuedCode:
    """A fresh token and short code."""
    raw = secrets.token_bytes(TOKEN_BYTES)
    token = TOKEN_PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=")
    return IssuedCode(token, SHORT_CODE.new())


def token_digest(token: str) -> str:
    """The SHA-256 (hex) the desk stores instead of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


_TOKEN = re.compile(rf"{TOKEN_PREFIX}[A-Z2-7]{{{TOKEN_CHARS}}}")


def looks_like_prereturn(text: str) -> bool:
    """Whether a scan is meant as a pre-return (token or short code), not a receipt code."""
    cleaned = re.sub(r"[\s\-]", "", text or "").upper()
    return cleaned.startswith(("P", "PT")) and not cleaned.isdigit()


@dataclass(frozen=True, slots=True)
class Scanned:
    """A checked scan: ``digest`` for a token, or ``short`` for a typed short code."""

    digest: str | None = None
    short: str | None = None

    @property
    def shown(self) -> str:
        """How the desk names it back to the clerk (never the token itself)."""
        return SHORT_CODE.pretty(self.short) if self.short else "the scanned QR code"


def parse_scan(text: str) -> Scanned:
    """A token from the QR, or a short code typed or scanned; refuse anything else."""
    cleaned = re.sub(r"[\s\-]", "", text or "").upper()
    if _TOKEN.fullmatch(cleaned):
        return Scanned(digest=token_digest(cleaned))
    if cleaned.startswith(TOKEN_PREFIX) and len(cleaned) > len(TOKEN_PREFIX) + 12:
        raise PreReturnCodeError("the QR code was not read whole; scan it again or type the code")
    return Scanned(short=SHORT_CODE.parse(text, PreReturnCodeError))
