"""The facts of one return, as a policy file's examples and ``policy decide`` give them.

:class:`ReturnFacts` declares every fact the engine reads, with bounds and a description;
``[[example]]`` tables add what the policy must answer (:class:`Example`), and the command
line builds one option per fact from the same declarations, so no fact can be missing from
either. Facts that cannot describe any real sale (a discount larger than the price, more
already returned than sold, a return before the sale) are refused with the key at fault.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.fields import (
    Count,
    Day,
    FieldProblem,
    Flag,
    Kind,
    Money,
    Name,
    PositiveCount,
    Rate,
    Text,
    choice_of,
)
from returns_desk.domain.policy.terms import Condition, ReceiptKind
from returns_desk.domain.receipt import (
    Receipt,
    SoldLine,
    Tender,
    TenderKind,
    canonical_attributes,
)

NOON = time(12, 0, tzinfo=UTC)


def _option(name: str, **extra: Any) -> dict[str, Any]:
    """The command-line option a fact is given with (``policy decide``)."""
    return {"option": name, **extra}


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TenderFact(Fact):
    """One payment on the receipt."""

    kind: Annotated[
        TenderKind,
        PlainValidator(choice_of(TenderKind)),
        Kind('"cash", "card", "gift_card" or "store_credit"'),
    ] = Field(description="how it was paid", examples=["card"])
    amount: Money = Field(description="how much it paid", examples=["100.00"])
    card_brand: Name | None = Field(
        default=None, description="the card's brand, e.g. `store-card`", examples=["store-card"]
    )


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _attributes(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or len(value) > 20:
        raise ValueError('expected a table of up to 20 attributes, like { fuel = "gas" }')
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, str | int | float | Decimal):
            raise ValueError(f"{key}: expected text or a number, got {item!r}")
        result[str(key)] = str(item)
    return result


Attributes = Annotated[
    dict[str, str], PlainValidator(_attributes), Kind("table: { capacity_cu_ft = 22 }")
]


class ReturnFacts(Fact):
    """What the engine is told about one returned line: the sale, the item, the customer."""

    today: Day = Field(
        description="the day of the return", json_schema_extra=_option("--today", default="today")
    )
    receipt: Annotated[
        ReceiptKind, PlainValidator(choice_of(ReceiptKind)), Kind('"yes", "gift" or "none"')
    ] = Field(
        default=ReceiptKind.YES,
        description="the receipt shown",
        json_schema_extra=_option("--receipt"),
        examples=["gift"],
    )
    sold_on: Day | None = Field(
        default=None,
        description="the sale's date (required with a receipt)",
        json_schema_extra=_option("--sold-on"),
    )
    delivered_on: Day | None = Field(
        default=None,
        description="the day a delivered item was received (windows may count from it)",
        json_schema_extra=_option("--delivered-on"),
    )
    department: Name = Field(
        default="general",
        json_schema_extra=_option("--department"),
        description="the item's department",
        examples=["electronics"],
    )
    category: Name = Field(
        default="general",
        json_schema_extra=_option("--category"),
        description="the item's category",
        examples=["cameras"],
    )
    sku: Name = Field(
        default="ITEM",
        description="the item's SKU",
        json_schema_extra=_option("--sku"),
        examples=["CAM-100"],
    )
    brand: Name | None = Field(
        default=None,
        description="the item's brand",
        json_schema_extra=_option("--brand"),
        examples=["own-brand"],
    )
    attributes: Attributes = Field(
        default={},
        description="the item's attributes",
        json_schema_extra=_option("--attribute", repeat=True, metavar="NAME=VALUE"),
        examples=[{"capacity_cu_ft": "22"}],
    )
    description: Text = Field(
        default="example item",
        description="the item's description",
        json_schema_extra=_option("--description"),
        examples=["Mirrorless camera"],
    )
    unit_price: Money = Field(
        description="shelf price per unit on the receipt (or today's without one)",
        json_schema_extra=_option("--price"),
    )
    qty_sold: PositiveCount = Field(
        default=1, description="units on the sale line", json_schema_extra=_option("--qty-sold")
    )
    qty: Count = Field(
        default=1, description="units coming back now", json_schema_extra=_option("--qty")
    )
    qty_returned: Count = Field(
        default=0,
        description="units of the line already returned",
        json_schema_extra=_option("--qty-returned"),
    )
    line_discount: Money = Field(
        default=ZERO,
        description="discount on the whole line",
        json_schema_extra=_option("--discount"),
    )
    order_discount_share: Money = Field(
        default=ZERO,
        description="the line's share of order discounts",
        json_schema_extra=_option("--order-discount"),
    )
    tax_rate: Rate = Field(
        default=ZERO, description="tax rate, e.g. 0.08", json_schema_extra=_option("--tax-rate")
    )
    tax_charged: Money | None = Field(
        default=None,
        description="tax charged on the line (default: at the rate)",
        json_schema_extra=_option("--tax"),
    )
    final_sale: Flag = Field(
        default=False,
        description="the till marked the line final sale",
        json_schema_extra=_option("--final-sale"),
    )
    serialized: Annotated[
        bool | None, PlainValidator(lambda v: _flag(v)), Kind("true or false")
    ] = Field(
        default=None,
        description="the item has a serial number (default: when `serial` is given)",
        json_schema_extra=_option("--serialized"),
    )
    serial: Name | None = Field(
        default=None,
        description="the serial number sold",
        json_schema_extra=_option("--serial"),
        examples=["SN-1001"],
    )
    serial_scanned: Name | None = Field(
        default=None,
        description="the serial number scanned",
        json_schema_extra=_option("--serial-scanned"),
        examples=["SN-1001"],
    )
    condition: Annotated[Condition, PlainValidator(choice_of(Condition)), Kind("a condition")] = (
        Field(
            default=Condition.UNOPENED,
            description="the state it comes back in",
            json_schema_extra=_option("--condition"),
            examples=["opened"],
        )
    )
    reason: Text = Field(
        default="",
        description="why the customer returns it",
        json_schema_extra=_option("--reason"),
        examples=["did not fit"],
    )
    tier: Name | None = Field(
        default=None,
        description="the customer's loyalty tier today, told at the counter",
        json_schema_extra=_option("--tier"),
        examples=["gold"],
    )
    receipt_tier: Name | None = Field(
        default=None,
        description="the loyalty tier on the receipt, held at purchase",
        json_schema_extra=_option("--receipt-tier"),
        examples=["gold"],
    )
    region: Name | None = Field(
        default=None,
        description="the returning store's region",
        json_schema_extra=_option("--region"),
        examples=["QC"],
    )
    tenders: tuple[TenderFact, ...] | None = Field(
        default=None,
        description="payments on the receipt (default: one card for the whole line)",
        json_schema_extra=_option("--tender", repeat=True, metavar="KIND:AMOUNT[:BRAND]"),
        examples=[[{"kind": "cash", "amount": "400.00"}]],
    )
    tender_refunded: Annotated[tuple[Money, ...], Kind("list of amounts")] = Field(
        default=(),
        description="what each payment already got back, in order",
        json_schema_extra=_option("--tender-refunded", repeat=True, metavar="AMOUNT"),
        examples=[["10.00", "0.00"]],
    )
    cash_paid_today: Money = Field(
        default=ZERO,
        description="cash already going back on this receipt today (earlier lines of "
        "the return, earlier returns that day): counts toward the cash limit",
        json_schema_extra=_option("--cash-paid-today"),
    )
    lowest_recent_price: Money | None = Field(
        default=None,
        description="without a receipt: the lowest price in the policy's look-back",
        json_schema_extra=_option("--lowest-price"),
    )
    current_price: Money | None = Field(
        default=None,
        description="today's shelf price (clearance items are refunded at it)",
        json_schema_extra=_option("--current-price"),
    )
    customer_receiptless_count: Count = Field(
        default=0,
        description="the customer's returns without a receipt in the limit's period",
        json_schema_extra=_option("--receiptless-count"),
    )
    id_checked: Flag = Field(
        default=False,
        description="the customer's photo ID was checked",
        json_schema_extra=_option("--id-checked"),
    )
    free_item_kept: Money = Field(
        default=ZERO,
        description="shelf value of free promotional items this line brought that the "
        "customer keeps",
        json_schema_extra=_option("--free-item-kept"),
    )
    bundle_discount_kept: Money = Field(
        default=ZERO,
        description="bundle discount on the items of this line's bundle the customer keeps",
        json_schema_extra=_option("--bundle-discount-kept"),
    )
    rewards_earned: Money = Field(
        default=ZERO,
        description="reward currency the purchase earned",
        json_schema_extra=_option("--rewards-earned"),
    )
    rewards_spent: Money = Field(
        default=ZERO,
        description="how much of it is spent already",
        json_schema_extra=_option("--rewards-spent"),
    )
    points_earned: Count = Field(
        default=0,
        description="loyalty points the purchase earned",
        json_schema_extra=_option("--points-earned"),
    )
    receipt_total: Money | None = Field(
        default=None,
        description="what the whole receipt cost (default: this line), to share rewards and points",
        json_schema_extra=_option("--receipt-total"),
    )

    @model_validator(mode="after")
    def _possible(self) -> ReturnFacts:
        """Refuse facts no real sale can have."""
        gross = round_money(self.unit_price * self.qty_sold)
        if self.receipt is not ReceiptKind.NONE and self.sold_on is None:
            raise FieldProblem("sold_on", "is required when there is a receipt")
        if self.sold_on and self.today < self.sold_on:
            raise FieldProblem("today", f"is before the sale ({self.sold_on})")
        if self.delivered_on and self.sold_on and self.delivered_on < self.sold_on:
            raise FieldProblem("delivered_on", f"is before the sale ({self.sold_on})")
        if self.delivered_on and self.delivered_on > self.today:
            raise FieldProblem("delivered_on", f"is after the return ({self.today})")
        if self.line_discount + self.order_discount_share > gross:
            raise FieldProblem(
                "line_discount", f"discounts are more than the price ({gross} for the line)"
            )
        if self.qty_returned > self.qty_sold:
            raise FieldProblem("qty_returned", f"is more than qty_sold ({self.qty_sold})")
        if self.rewards_spent > self.rewards_earned:
            raise FieldProblem("rewards_spent", "is more than rewards_earned")
        self._check_tenders()
        return self

    def _check_tenders(self) -> None:
        tenders = self.tenders or ()
        if len(self.tender_refunded) > max(len(tenders), 1):
            raise FieldProblem("tender_refunded", "lists more amounts than there are tenders")
        for index, (tender, done) in enumerate(zip(tenders, self.tender_refunded, strict=False)):
            if done > tender.amount:
                raise FieldProblem(
                    "tender_refunded", f"tender {index + 1} got back more than it paid"
                )

    def sold_line(self) -> SoldLine:
        """The sold line; tax is charged at ``tax_rate`` unless ``tax_charged`` says."""
        net = round_money(self.unit_price * self.qty_sold) - self.line_discount
        net -= self.order_discount_share
        tax = self.tax_charged
        serialized = self.serialized
        return SoldLine(
            line_no=1,
            sku=self.sku,
            description=self.description,
            department=self.department,
            category=self.category,
            qty=self.qty_sold,
            unit_price=self.unit_price,
            line_discount=self.line_discount,
            order_discount_share=self.order_discount_share,
            tax_rate=self.tax_rate,
            tax_charged=round_money(net * self.tax_rate) if tax is None else tax,
            serial=self.serial,
            serialized=self.serial is not None if serialized is None else serialized,
            final_sale=self.final_sale,
            qty_returned=self.qty_returned,
            delivered_on=self.delivered_on,
            brand=self.brand,
            attributes=canonical_attributes(self.attributes),
        )

    def to_case(self) -> tuple[ReturnCase, date]:
        """The return case the engine decides, and the day it is decided."""
        line = self.sold_line()
        has_receipt = self.receipt is not ReceiptKind.NONE
        tenders = tuple(
            Tender(t.kind, t.amount, card_brand=t.card_brand.lower() if t.card_brand else None)
            for t in self.tenders or ()
        ) or (Tender(TenderKind.CARD, line.paid, card_last4="4242"),)
        receipt = None
        if has_receipt:
            assert self.sold_on is not None
            receipt = Receipt(
                code="0000000000000",
                store_no=1,
                register_no=1,
                sold_at=datetime.combine(self.sold_on, NOON),
                lines=(line,),
                tenders=tenders,
                loyalty_tier=self.receipt_tier,
                gift_receipt=self.receipt is ReceiptKind.GIFT,
                rewards_earned=self.rewards_earned,
                rewards_spent=self.rewards_spent,
                points_earned=self.points_earned,
            )
        total = self.receipt_total if self.receipt_total else line.paid
        # A sale that cost nothing still earned its points: this line carries them all.
        share = line.paid / total if total else Decimal(1)
        case = ReturnCase(
            receipt=receipt,
            line=line,
            qty=self.qty,
            condition=self.condition,
            reason=self.reason,
            has_receipt=has_receipt,
            serial_scanned=self.serial_scanned,
            customer_tier=self.tier,
            region=self.region,
            lowest_recent_price=self.lowest_recent_price,
            customer_receiptless_count=self.customer_receiptless_count,
            id_checked=self.id_checked,
            tender_refunded=self.tender_refunded,
            cash_paid_today=self.cash_paid_today,
            current_price=self.current_price,
            free_item_kept=self.free_item_kept,
            bundle_kept=self.bundle_discount_kept,
            rewards_share=min(round_money(self.rewards_spent * share), line.paid),
            points_share=int(round_money(self.points_earned * share)),
        )
        return case, self.today


FACT_KEYS: tuple[str, ...] = tuple(ReturnFacts.model_fields)
