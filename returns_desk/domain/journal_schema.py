"""The journal's rows as declared schemas (pydantic): each field typed and bounded, each
record checked to add up to the cent. receipts/JOURNAL.md documents the same rules.

A record's own fields are checked first; the sums across its lines and tenders only when
every field is right, so a bad amount is reported once, not again as a tender mismatch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from returns_desk.domain.journal_types import (
    Address,
    Attributes,
    Brand,
    Bundle,
    CardBrand,
    Category,
    CustomerId,
    Day,
    Department,
    Description,
    Flag,
    Label,
    Last4,
    LineNo,
    Moment,
    Money,
    Payment,
    Points,
    Qty,
    QtyReturned,
    ReceiptDigits,
    Reference,
    Region,
    RegisterNo,
    Serial,
    Sku,
    StoreName,
    StoreNo,
    TaxRate,
    Tier,
    Upc,
    Zone,
)
from returns_desk.domain.money import ZERO, allocate
from returns_desk.domain.pos_refunds import unit_refund
from returns_desk.domain.receipt import TenderKind

MAX_LINES = 10_000
MAX_TENDERS = 50

_CONFIG = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class Row(BaseModel):
    """A record of the journal."""

    model_config = _CONFIG


class StoreRow(Row):
    type: Literal["store"] = "store"
    number: StoreNo
    name: StoreName
    region: Region = None
    timezone: Zone = "UTC"
    address: Address = None


class RegisterRow(Row):
    type: Literal["register"] = "register"
    store: StoreNo
    number: RegisterNo
    name: Label = None


class ProductRow(Row):
    type: Literal["product"] = "product"
    sku: Sku
    upc: Upc = None
    description: Description
    department: Department
    category: Category = None
    price: Money
    price_from: Day | None = None
    serialized: Flag = False
    final_sale: Flag = False
    brand: Brand = None
    attributes: Attributes = None


class PriceRow(Row):
    type: Literal["price"] = "price"
    sku: Sku
    price: Money
    effective_from: Day


class LineRow(Row):
    """A sold line. ``qty_returned``: units the POS already took back (then the sale's
    tenders say what they refunded)."""

    line_no: LineNo | None = None
    sku: Sku
    qty: Qty
    unit_price: Money
    line_discount: Money = ZERO
    order_discount_share: Money | None = None
    tax_rate: TaxRate
    tax: Money
    serial: Serial = None
    delivered_on: Day | None = None
    qty_returned: QtyReturned = 0
    promo_of: LineNo | None = None
    bundle: Bundle = None
    bundle_discount: Money = ZERO

    @model_validator(mode="after")
    def _within_itself(self) -> LineRow:
        if self.line_discount > self.unit_price * self.qty:
            raise _located("line_discount", "discount is more than the line's price")
        if self.bundle_discount > self.line_discount:
            raise _located("bundle_discount", "must be part of the line_discount")
        if self.bundle_discount and not self.bundle:
            raise _located("bundle", "a line with a bundle_discount needs its bundle id")
        if self.qty_returned > self.qty:
            raise _located("qty_returned", f"{self.qty_returned} returned of {self.qty} sold")
        return self

    @property
    def net_before_order_discount(self) -> Decimal:
        return self.unit_price * self.qty - self.line_discount

    @property
    def paid(self) -> Decimal:
        return self.net_before_order_discount - (self.order_discount_share or ZERO) + self.tax


class TenderRow(Row):
    kind: TenderKind = Field(alias="type")
    amount: Payment
    last4: Last4 = None
    reference: Reference = None
    refunded: Money = ZERO
    card_brand: CardBrand = None

    @model_validator(mode="after")
    def _card_has_last4(self, info: ValidationInfo) -> TenderRow:
        lenient = bool(info.context and info.context.get("card_last4_optional"))
        if self.kind is TenderKind.CARD and self.last4 is None and not lenient:
            raise _located("last4", "a card tender needs the card's last 4 digits")
        if self.refunded > self.amount:
            raise _located("refunded", f"{self.refunded} refunded of {self.amount} paid")
        return self


class SaleHead(Row):
    """A sale's own fields, without its lines and tenders."""

    type: Literal["sale"] = "sale"
    receipt: ReceiptDigits
    store: StoreNo
    register_no: RegisterNo = Field(alias="register")
    sold_at: Moment
    customer_id: CustomerId = None
    loyalty_tier: Tier = None
    gift_receipt: Flag = False
    order_discount: Money = ZERO
    rewards_earned: Money = ZERO
    rewards_spent: Money = ZERO
    points_earned: Points = 0
    reference: Reference = None

    @model_validator(mode="after")
    def _rewards(self) -> SaleHead:
        if self.rewards_spent > self.rewards_earned:
            raise _located("rewards_spent", "is more than rewards_earned")
        return self


class SaleRow(SaleHead):
    """A sale with its lines and tenders, checked to add up to the cent."""

    lines: Annotated[list[LineRow], Field(min_length=1, max_length=MAX_LINES)]
    tenders: Annotated[list[TenderRow], Field(min_length=1, max_length=MAX_TENDERS)]

    @property
    def total(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @model_validator(mode="after")
    def _adds_up(self) -> SaleRow:
        receipt = self.receipt
        if (int(receipt[0:3]), int(receipt[3:5])) != (self.store, self.register_no):
            raise _located(
                "receipt",
                f"code {receipt} belongs to store {int(receipt[0:3])} register "
                f"{int(receipt[3:5])}, not store {self.store} register {self.register_no}",
            )
        lines = self.lines
        numbers = []
        for index, line in enumerate(lines, start=1):
            if line.line_no is None:
                line.__dict__["line_no"] = index  # pydantic keeps values here: no re-check
            numbers.append(line.line_no)
        if len(set(numbers)) != len(numbers):
            raise _located("lines", "two lines share a line_no")
        for index, line in enumerate(lines):
            if line.promo_of is not None and (
                line.promo_of not in numbers or line.promo_of == line.line_no
            ):
                raise _located(
                    f"lines.{index}.promo_of", f"no other line {line.promo_of} on this sale"
                )
        total = _settle_order_discount(self)
        tendered = ZERO
        refunded = ZERO
        for tender in self.tenders:
            tendered += tender.amount
            refunded += tender.refunded
        if tendered != total:
            raise _located("tenders", f"tenders add up to {tendered} but the lines come to {total}")
        if refunded or any(line.qty_returned for line in lines):
            _check_refunds(self, refunded)
        return self


def _settle_order_discount(sale: SaleRow) -> Decimal:
    """Give each line its share of the order discount, or check the shares the POS wrote;
    returns what the lines come to."""
    lines = sale.lines
    nets = [line.unit_price * line.qty - line.line_discount for line in lines]
    discount = sale.order_discount
    if discount > sum(nets, ZERO):
        raise _located("order_discount", "the order discount is more than the lines cost")
    written = [line.order_discount_share for line in lines]
    if all(s is None for s in written):
        shares = allocate(discount, nets) if discount else [ZERO] * len(lines)
    else:
        shares = [s or ZERO for s in written]
        given = sum(shares, ZERO)
        if given != discount:
            raise _located(
                "lines",
                f"order discount shares add up to {given}, but order_discount is {discount}",
            )
    total = ZERO
    for index, (line, net, share) in enumerate(zip(lines, nets, shares, strict=True)):
        if share > net:
            raise _located(
                f"lines.{index}.order_discount_share", "the share is more than the line costs"
            )
        line.__dict__["order_discount_share"] = share
        total += net - share + line.tax
    return total


def returned_value(line: LineRow) -> Decimal:
    """What ``qty_returned`` units of a line refund, as the desk counts it (so later returns
    of the rest add up to what was paid)."""
    return unit_refund(line.paid, line.qty, line.qty_returned)


def _check_refunds(sale: SaleRow, refunded: Decimal) -> None:
    """Refunds the POS already made: the tenders gave back what the returned units cost."""
    owed = sum((returned_value(line) for line in sale.lines), ZERO)
    if refunded != owed:
        raise _located(
            "tenders",
            f"tenders refunded {refunded}, but the returned units come to {owed}",
        )


def _located(field: str, message: str) -> PydanticCustomError:
    """An error at one field of the record (``lines.0.qty``), so the message names it."""
    return PydanticCustomError("located", "{message}", {"field": field, "message": message})


RECORDS: dict[str, type[Row]] = {
    "store": StoreRow,
    "register": RegisterRow,
    "product": ProductRow,
    "price": PriceRow,
    "sale": SaleRow,
}
