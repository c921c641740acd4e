"""What the policy says about a return before it is completed: a decision per item."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.money import ZERO

if TYPE_CHECKING:
    from returns_desk.domain.decision import Decision
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.domain.receipt import SoldLine


@dataclass(frozen=True)
class LineQuote:
    """The policy's decision for one returned item, with the line it is about (without a
    receipt, a line built from the catalogue, and the lowest recent shelf price)."""

    item: ReturnItem
    line: SoldLine
    decision: Decision
    lowest_price: Decimal | None = None

    @property
    def credit_price(self) -> Decimal:
        """The unit price the item is credited at without a receipt: the lowest recent
        shelf price, never more than today's."""
        today = self.line.unit_price
        return today if self.lowest_price is None else min(self.lowest_price, today)


@dataclass(frozen=True)
class Quote:
    """Decisions for the items of a return, and what they add up to."""

    lines: tuple[LineQuote, ...]
    policy_version_id: int
    notes: tuple[str, ...] = ()  # how the money goes back, where a clerk must explain it
    from_receipt: bool = True  # False: items without a receipt, whose refund is cash

    @property
    def items(self) -> tuple[ReturnItem, ...]:
        return tuple(q.item for q in self.lines)

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
        """The settlements every item allows."""
        allowed = frozenset(Settlement)
        for q in self.lines:
            allowed &= q.decision.settlements
        return allowed if self.lines else frozenset()

    def line(self, line_no: int) -> LineQuote | None:
        """The decision for the item from that line (or with that number)."""
        return next((q for q in self.lines if q.item.line_no == line_no), None)
