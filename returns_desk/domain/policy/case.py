"""One return as the counter presents it to the policy engine."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.terms import Condition
from returns_desk.domain.receipt import Receipt, SoldLine


@dataclass(frozen=True, slots=True)
class ReturnCase:
    """What comes back, in what state, with what proof.

    Without a receipt, ``line`` is built from product data (current price, department) and
    ``lowest_recent_price`` is the lowest price the item sold for in the policy's lookback.
    ``tender_refunded`` is what was already refunded to each receipt tender, in order.
    ``cash_paid_today`` is the cash already going back on this receipt today before this
    line: earlier returns of the store's day, and the lines before it in the same return.
    The policy's cash limit counts it, so the limit holds for a whole return (and cannot be
    dodged by splitting one return into several the same day).

    The promotion facts are worked out from the whole receipt by
    :func:`~returns_desk.domain.policy.whole_return.decide_return` (or given by an example):
    ``free_item_kept`` is the shelf value of free items this line's promotion gave that stay
    with the customer, ``bundle_kept`` the bundle discount on the bundle's items kept,
    ``rewards_share`` and ``points_share`` the line's share of the reward currency spent
    and of the points earned. ``current_price`` is today's shelf price (for clearance).
    """

    receipt: Receipt | None
    line: SoldLine
    qty: int
    condition: Condition = Condition.UNOPENED
    reason: str = ""
    has_receipt: bool = True
    serial_scanned: str | None = None
    customer_tier: str | None = None
    region: str | None = None
    lowest_recent_price: Decimal | None = None
    customer_receiptless_count: int = 0
    id_checked: bool = False
    tender_refunded: tuple[Decimal, ...] = ()
    cash_paid_today: Decimal = ZERO
    current_price: Decimal | None = None
    free_item_kept: Decimal = ZERO
    bundle_kept: Decimal = ZERO
    rewards_share: Decimal = ZERO
    points_share: int = 0
    large_refund: bool = False  # another line of this return pays its cash another way

    @property
    def tier(self) -> str | None:
        """The customer's tier as told at the counter, else as printed on the receipt."""
        if self.customer_tier:
            return self.customer_tier.lower()
        return self.purchase_tier

    @property
    def purchase_tier(self) -> str | None:
        """The tier printed on the receipt: the one the customer held when buying."""
        if self.receipt is not None and self.receipt.loyalty_tier:
            return self.receipt.loyalty_tier.lower()
        return None

    @property
    def gift_receipt(self) -> bool:
        return self.has_receipt and self.receipt is not None and self.receipt.gift_receipt
