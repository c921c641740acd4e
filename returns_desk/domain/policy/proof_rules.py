"""Tables about proof and payment: receipts, returns without one, photo ID, refunds."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainValidator

from returns_desk.domain.policy.fields import (
    Flag,
    Kind,
    Money,
    PositiveCount,
    choice_of,
)
from returns_desk.domain.policy.sections import (
    ALL,
    LateChoice,
    Receipts,
    Rule,
    Section,
    Settlements,
    VerdictChoice,
    _whole_days,
)
from returns_desk.domain.policy.terms import (
    CashOverLimit,
    PayBy,
    ReceiptKind,
    Settlement,
    Verdict,
)


class ReceiptRule(Rule):
    """`[[receipt.rule]]`: returns without a receipt, for some items or amounts.

    The first rule that matches the item (and its amount, if ``up_to`` is given) replaces
    ``receiptless`` and ``receiptless_settlements`` for it. The amount is the item's credit
    without a receipt: its lowest recent price, with tax, for the units returned.
    """

    up_to: Money | None = Field(default=None, description="only items credited at most this much")
    receiptless: VerdictChoice = Field(
        default=Verdict.ACCEPT, description="`accept`, `needs_override` or `deny`"
    )
    settlements: Settlements | None = Field(
        default=None, description="settlements allowed (default: `receiptless_settlements`)"
    )


class Receipt(Section):
    """`[receipt]`: gift receipts and returns without a receipt."""

    gift_receipt: Settlements = Field(
        default=frozenset({Settlement.STORE_CREDIT}), description="settlements for gift receipts"
    )
    receiptless: VerdictChoice = Field(
        default=Verdict.DENY,
        description="returns without a receipt: accept, needs_override or deny",
    )
    receiptless_settlements: Settlements = Field(
        default=frozenset({Settlement.STORE_CREDIT}), description="settlements without a receipt"
    )
    lowest_price_days: Annotated[int, PlainValidator(lambda v: _whole_days(v)), Kind("days")] = (
        Field(
            default=90,
            description="without a receipt, the item is credited at its lowest price in this "
            "many days (never more than today's)",
        )
    )
    id_required: Flag = Field(
        default=True, description="photo ID must be checked for a return without a receipt"
    )
    limit_count: PositiveCount | None = Field(
        default=None, description="returns without a receipt per customer per period"
    )
    limit_period_days: Annotated[int, PlainValidator(lambda v: _whole_days(v)), Kind("days")] = (
        Field(default=365, description="the period of that limit")
    )
    over_limit: LateChoice = Field(
        default=Verdict.DENY, description="past the limit: `deny` or `needs_override`"
    )
    rules: tuple[ReceiptRule, ...] = Field(default=(), alias="rule", description="[[receipt.rule]]")


class IdCheck(Rule):
    """`[[id_check]]`: photo ID for some returns, even with a receipt, or from an amount.

    Without the ID checked, the return gets ``without_id``. (Returns without a receipt
    also follow `[receipt] id_required`.)
    """

    receipts: Receipts = Field(
        default=frozenset(ReceiptKind), description='which returns: `"yes"`, `"gift"`, `"none"`'
    )
    from_amount: Money = Field(
        default=Decimal("0.00"),
        description="refunds of at least this much (the line's refund)",
    )
    without_id: VerdictChoice = Field(
        default=Verdict.DENY, description="what a return without the ID checked gets"
    )


class Refund(Section):
    """`[refund]`: how money goes back."""

    settlements: Settlements = Field(
        default=ALL, description="settlements this store offers at all"
    )
    cash_limit: Money | None = Field(
        default=None,
        description="most cash one return pays out: all its lines together, counting "
        "earlier returns against the same receipt that store day",
    )
    over_cash_limit: Annotated[
        CashOverLimit,
        PlainValidator(choice_of(CashOverLimit)),
        Kind('"voucher" or "needs_override"'),
    ] = Field(
        default=CashOverLimit.VOUCHER,
        description="cash over the limit: as a `voucher` (store credit), or `needs_override`",
    )
    serial_mismatch: LateChoice = Field(
        default=Verdict.DENY, description="scanned serial differs from the one sold"
    )
    large_refund_above: Money | None = Field(
        default=None,
        description="a refund whose cash part (with cash already going back on the receipt "
        "today) is more than this is paid, cash part whole, by `large_refund_by` instead of "
        "from the drawer",
    )
    large_refund_by: Annotated[
        PayBy, PlainValidator(choice_of(PayBy)), Kind('"cheque" or "bank_transfer"')
    ] = Field(default=PayBy.CHEQUE, description="how a large refund is paid")
