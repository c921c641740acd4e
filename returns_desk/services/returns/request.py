"""What the counter asks of the returns services, and what they answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.terms import Condition

if TYPE_CHECKING:
    from returns_desk.domain.customer_id import CustomerId
    from returns_desk.domain.decision import Decision
    from returns_desk.domain.receipt import SoldLine


class ReturnError(ValueError):
    """A return that cannot be completed as asked; the message is for the clerk."""


class AlreadyReturned(ReturnError):
    """Another register returned these units first (the database refused the quantity)."""


@dataclass(frozen=True)
class ReturnItem:
    """One line the customer brings back, as the clerk entered it."""

    line_no: int
    qty: int
    condition: Condition = Condition.UNOPENED
    reason_code: str = ""
    reason_text: str = ""
    serial: str | None = None


@dataclass(frozen=True)
class ExchangeItem:
    """A replacement item scanned for an exchange (SKU or UPC).

    A serialized product goes out one unit per item, with the serial of that unit.
    """

    code: str
    qty: int = 1
    serial: str | None = None


@dataclass(frozen=True)
class Override:
    """A manager's approval: their own user and PIN, and why."""

    username: str
    pin: str
    reason: str


@dataclass(frozen=True)
class ReturnRequest:
    """Everything needed to complete one return at the counter."""

    receipt_code: str
    items: tuple[ReturnItem, ...]
    settlement: Settlement
    override: Override | None = None
    exchange_items: tuple[ExchangeItem, ...] = ()
    collect_with: str = "card"  # how an exchange difference the customer owes is paid
    voucher_code: str | None = None  # the voucher that pays it, when collect_with is "voucher"


@dataclass(frozen=True)
class ReceiptlessItem:
    """An item brought back with no receipt and no sale found: scanned by SKU or UPC."""

    code: str
    qty: int = 1
    condition: Condition = Condition.UNOPENED
    reason_code: str = ""
    reason_text: str = ""
    serial: str | None = None


@dataclass(frozen=True)
class ReceiptlessRequest:
    """A return without a receipt: the items, the customer's photo ID (None: none shown),
    how it is settled, and ``store_no``, the store the desk is in (None: the desk's own,
    see ``services.catalog.desk_store``)."""

    items: tuple[ReceiptlessItem, ...]
    customer: CustomerId | None
    settlement: Settlement
    override: Override | None = None
    exchange_items: tuple[ExchangeItem, ...] = ()
    collect_with: str = "card"
    voucher_code: str | None = None
    store_no: int | None = None


@dataclass(frozen=True)
class LineQuote:
    """The policy's decision for one returned line, with the line it is about."""

    item: ReturnItem
    line: SoldLine
    decision: Decision
    lowest_price: Decimal | None = None  # without a receipt: the lowest recent shelf price


@dataclass(frozen=True)
class Quote:
    """Decisions for the selected lines, and what they add up to."""

    lines: tuple[LineQuote, ...]
    policy_version_id: int
    notes: tuple[str, ...] = ()  # how the money goes back, where a clerk must explain it

    @property
    def total(self) -> Decimal:
        return sum((q.decision.refund_amount for q in self.lines), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((q.decision.restocking_fee for q in self.lines), ZERO)

    @property
    def denied(self) -> list[LineQuote]:
        return [q for q in self.lines if q.decision.outcome is Outcome.DENY]

    @property
    def needs_override(self) -> bool:
        return any(q.decision.outcome is Outcome.NEEDS_OVERRIDE for q in self.lines)

    @property
    def settlements(self) -> frozenset[Settlement]:
        """The settlements every selected line allows."""
        allowed = frozenset(Settlement)
        for q in self.lines:
            allowed &= q.decision.settlements
        return allowed if self.lines else frozenset()


@dataclass(frozen=True)
class CompletedReturn:
    """A completed return, as committed."""

    return_id: int
    reference: str
    settlement: Settlement
    total_refund: Decimal
    tenders: tuple[tuple[str, Decimal], ...]
    voucher_code: str | None = None
    voucher_amount: Decimal = ZERO
    new_receipt_code: str | None = None
    difference: Decimal = ZERO
    manager: str | None = None
    lines: tuple[LineQuote, ...] = field(default=())
    notes: tuple[str, ...] = ()  # why part of it came as a voucher, for the clerk to explain
