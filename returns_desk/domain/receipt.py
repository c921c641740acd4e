"""A receipt as the counter sees it: what was sold, for how much, paid how.

Plain frozen dataclasses: the store layer builds them from rows, the policy engine and
the slips read them. Amounts are Decimal and already rounded by the POS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from returns_desk.domain.money import ZERO, round_money

MAX_ATTRIBUTES = 20


def canonical_attributes(values: Mapping[str, object] | None) -> str | None:
    """Product attributes as stored: JSON text, names lower-case and sorted, values as text
    (numbers keep their exact digits), so equal attributes are equal strings."""
    if not values:
        return None
    pairs = {str(k).strip().lower(): str(v).strip() for k, v in values.items()}
    return json.dumps(dict(sorted(pairs.items())), ensure_ascii=False, separators=(",", ":"))


def attribute_map(text: str | None) -> dict[str, str]:
    """The attributes stored by :func:`canonical_attributes`; {} for none or unreadable."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


class TenderKind(StrEnum):
    """How a sale was paid; refunds go back the same way within each tender's cap."""

    CASH = "cash"
    CARD = "card"
    GIFT_CARD = "gift_card"
    STORE_CREDIT = "store_credit"


@dataclass(frozen=True, slots=True)
class Tender:
    """One payment on a sale."""

    kind: TenderKind
    amount: Decimal
    card_last4: str | None = None
    reference: str | None = None
    card_brand: str | None = None  # "visa", or the store's own card ("store-card")


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One line of a sale, with what is already returned against it."""

    line_no: int
    sku: str
    description: str
    department: str
    category: str
    qty: int
    unit_price: Decimal
    line_discount: Decimal = ZERO
    order_discount_share: Decimal = ZERO
    tax_rate: Decimal = ZERO
    tax_charged: Decimal = ZERO
    serial: str | None = None
    serialized: bool = False
    final_sale: bool = False
    qty_returned: int = 0
    delivered_on: date | None = None
    line_id: int | None = None
    brand: str | None = None
    attributes: str | None = None  # canonical JSON text: see :func:`attribute_map`
    promo_of: int | None = None  # line_no of the bought line whose promotion gave this item
    bundle: str | None = None  # lines sharing a bundle id were sold as one bundle
    bundle_discount: Decimal = ZERO  # the bundle's part of line_discount
    qty_reserved: int = 0  # units held for pre-registered returns

    @property
    def attribute_map(self) -> dict[str, str]:
        """The product's attributes by name (``capacity_cu_ft`` -> ``"22"``); {} if none."""
        return attribute_map(self.attributes)

    @property
    def gross(self) -> Decimal:
        """Shelf price times quantity, before any discount."""
        return round_money(self.unit_price * self.qty)

    @property
    def net(self) -> Decimal:
        """What the line cost before tax, after its own and its share of order discounts."""
        return self.gross - self.line_discount - self.order_discount_share

    @property
    def paid(self) -> Decimal:
        """What the customer actually paid for the whole line, tax as charged."""
        return self.net + self.tax_charged

    @property
    def returnable_qty(self) -> int:
        """Units still returnable: sold minus already returned and those held for a
        pre-registered return."""
        return self.qty - self.qty_returned - self.qty_reserved


@dataclass(frozen=True, slots=True)
class Receipt:
    """A sale as found by its receipt code."""

    code: str
    store_no: int
    register_no: int
    sold_at: datetime
    lines: tuple[SoldLine, ...]
    tenders: tuple[Tender, ...] = ()
    customer_id: str | None = None
    loyalty_tier: str | None = None
    gift_receipt: bool = False
    order_discount: Decimal = ZERO
    sale_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    rewards_earned: Decimal = ZERO  # store currency earned on this purchase
    rewards_spent: Decimal = ZERO  # how much of it the customer has spent since
    points_earned: int = 0  # loyalty points earned on this purchase

    @property
    def total(self) -> Decimal:
        """What was paid for the whole receipt."""
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def tendered(self) -> Decimal:
        return sum((t.amount for t in self.tenders), ZERO)

    def line(self, line_no: int) -> SoldLine:
        """The line with that number, or KeyError naming it."""
        for candidate in self.lines:
            if candidate.line_no == line_no:
                return candidate
        raise KeyError(f"receipt {self.code} has no line {line_no}")
