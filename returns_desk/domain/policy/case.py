"""One return as the counter presents it to the policy engine."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from returns_desk.domain.policy.model import Condition
from returns_desk.domain.receipt import Receipt, SoldLine


@dataclass(frozen=True, slots=True)
class ReturnCase:
    """What comes back, in what state, with what proof.

    Without a receipt, ``line`` is built from product data (current price, department) and
    ``lowest_recent_price`` is the lowest price the item sold for in the policy's lookback.
    ``tender_refunded`` is what was already refunded to each receipt tender, in order.
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

    @property
    def tier(self) -> str | None:
        """The customer's tier as told at the counter, else as printed on the receipt."""
        if self.customer_tier:
            return self.customer_tier.lower()
        if self.receipt is not None and self.receipt.loyalty_tier:
            return self.receipt.loyalty_tier.lower()
        return None

    @property
    def gift_receipt(self) -> bool:
        return self.has_receipt and self.receipt is not None and self.receipt.gift_receipt
