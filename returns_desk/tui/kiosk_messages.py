"""Messages the kiosk's workers post: a worker never touches a widget, it posts one of these
and an ``@on`` handler of the screen (or of the kiosk app) shows it. Tests wait on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from returns_desk.domain.receipt import Receipt
    from returns_desk.services.complaints.ratings import Visit
    from returns_desk.services.prereturns.start import Started


@dataclass
class KioskReady(Message):
    """The database and the kiosk account are up: customers' requests go through."""


@dataclass
class KioskNotice(Message):
    """Something the kiosk must say to whoever is in front of it (it cannot start)."""

    text: str


@dataclass
class KioskRefused(Message):
    """A service said no (or the kiosk is not ready yet); ``where``: the notice it goes in."""

    words: str
    where: str


@dataclass
class SaleFound(Message):
    """The customer's sale, found by its receipt code or their loyalty id and the day."""

    receipt: Receipt


@dataclass
class PreReturnStarted(Message):
    """The policy pre-checked the customer's return; ``slip``: its code slip, if approved."""

    started: Started
    slip: Path | None


@dataclass
class VoucherChecked(Message):
    """A voucher's balance in words; ``usable``: whether it can still be spent."""

    words: str
    usable: bool


@dataclass
class VisitFound(Message):
    """The return the customer typed the reference of, to rate."""

    visit: Visit


@dataclass
class RatingSaved(Message):
    """The customer's score is stored."""

    rating: int


@dataclass
class ComplaintSent(Message):
    """The customer's complaint is logged as ``reference``; ``slip``: its acknowledgement."""

    reference: str
    slip: Path | None


@dataclass
class Beside(Message):
    """A customer display looked at its desk register: the return to rate there, or None."""

    visit: Visit | None
