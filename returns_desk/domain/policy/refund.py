"""Money back: the price actually paid per unit, fees, and the split over original tenders.

Refunds telescope: the k units after the r already returned get
``round(paid*(r+k)/qty) - round(paid*r/qty)``, so however a line comes back, piece by
piece, the refunds add up to exactly what was paid for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns_desk.domain.money import ZERO, allocate, round_money
from returns_desk.domain.policy.model import CashOverLimit, RestockingFee
from returns_desk.domain.receipt import SoldLine, Tender, TenderKind

HUNDRED = Decimal(100)


class RefundError(ValueError):
    """A refund that cannot be paid as asked (more than sold, more than the tenders took)."""


def _telescoped(total: Decimal, sold: int, qty: int, already_returned: int) -> Decimal:
    """The share of ``total`` for units already_returned+1 .. already_returned+qty."""
    if qty < 0 or already_returned < 0 or already_returned + qty > sold:
        raise RefundError(f"cannot return {qty} after {already_returned} of {sold} sold")
    if already_returned + qty == sold:
        upper = total
    else:
        upper = round_money(total * (already_returned + qty) / sold)
    lower = round_money(total * already_returned / sold) if already_returned else ZERO
    return upper - lower


def line_refund(line: SoldLine, qty: int, already_returned: int) -> Decimal:
    """What the customer paid for these units: discounts and order discount share off, tax in."""
    return _telescoped(line.paid, line.qty, qty, already_returned)


def line_net_refund(line: SoldLine, qty: int, already_returned: int) -> Decimal:
    """The pre-tax part of :func:`line_refund`; restocking fees are a percent of this."""
    return _telescoped(line.net, line.qty, qty, already_returned)


def restocking_fee(rule: RestockingFee, net: Decimal, qty: int, refund: Decimal) -> Decimal:
    """The fee for these units (``net``: their pre-tax price), never more than the refund."""
    if rule.percent is not None:
        fee = round_money(net * rule.percent / HUNDRED)
    else:
        fee = round_money((rule.amount or ZERO) * qty)
    return min(fee, refund)


def receiptless_amounts(
    line: SoldLine, qty: int, lowest_price: Decimal | None
) -> tuple[Decimal, Decimal]:
    """Without a receipt: (pre-tax, with tax) at the lowest recent price, never above today's."""
    price = line.unit_price if lowest_price is None else min(lowest_price, line.unit_price)
    base = round_money(price * qty)
    return base, base + round_money(base * line.tax_rate)


def split_refund(
    amount: Decimal,
    receipt_tenders: Sequence[Tender],
    already_refunded_per_tender: Sequence[Decimal] = (),
) -> list[tuple[Tender, Decimal]]:
    """Pay ``amount`` back over the original tenders, in proportion to what each can still take.

    No tender gets back more than it paid less what it already got back; the parts sum to
    exactly ``amount``. Tenders that get nothing are left out.
    """
    already = list(already_refunded_per_tender) + [ZERO] * (
        len(receipt_tenders) - len(already_refunded_per_tender)
    )
    caps = [max(t.amount - done, ZERO) for t, done in zip(receipt_tenders, already, strict=False)]
    room = sum(caps, ZERO)
    if amount > room:
        raise RefundError(f"refund {amount} is more than the original payments can take ({room})")
    if amount <= 0:
        return []
    parts = allocate(amount, caps)
    return [(t, part) for t, part in zip(receipt_tenders, parts, strict=True) if part > 0]


def tender_room(receipt_tenders: Sequence[Tender], already: Sequence[Decimal]) -> Decimal:
    """How much the original tenders can still take back."""
    done = list(already) + [ZERO] * (len(receipt_tenders) - len(already))
    return sum((max(t.amount - d, ZERO) for t, d in zip(receipt_tenders, done, strict=False)), ZERO)


def cash_over_limit(
    split: list[tuple[Tender, Decimal]], limit: Decimal | None, rule: CashOverLimit
) -> tuple[list[tuple[Tender, Decimal]], Decimal]:
    """Cash above the limit: with a voucher rule, move it to a voucher; returns (split, voucher).

    With a manager rule the split is unchanged and the caller asks for an override when
    :func:`cash_in_split` exceeds the limit.
    """
    cash = cash_in_split(split)
    if limit is None or cash <= limit or rule is not CashOverLimit.VOUCHER:
        return split, ZERO
    excess = cash - limit
    to_cut = excess
    result: list[tuple[Tender, Decimal]] = []
    for tender, part in reversed(split):
        if tender.kind is TenderKind.CASH and to_cut > 0:
            cut = min(part, to_cut)
            to_cut -= cut
            part -= cut
        if part > 0:
            result.append((tender, part))
    result.reverse()
    return result, excess


def cash_in_split(split: Sequence[tuple[Tender, Decimal]]) -> Decimal:
    return sum((part for t, part in split if t.kind is TenderKind.CASH), ZERO)
