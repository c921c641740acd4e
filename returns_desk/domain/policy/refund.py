"""Money back: the price actually paid per unit, fees, and the split over original tenders.

Refunds telescope: the k units after the r already returned get
``round(paid*(r+k)/qty) - round(paid*r/qty)``, so however a line comes back, piece by
piece, the refunds add up to exactly what was paid for it.

A refund goes back to the original payments cash last: cards, gift cards and store credit
take it first, in receipt order, each up to what it paid less what it already got back,
and cash takes only the rest, so the drawer pays out as little as it can.

The policy's cash limit is the most cash one return pays out, all its lines together, and
earlier returns against the same receipt on the same store day count toward it (so a
return split in two cannot double it); ``ReturnCase.cash_paid_today`` carries what is used
already. Because cash comes last, by the time a refund reaches cash every card and gift card
on the receipt has taken back all it paid: the part over the limit has no original payment
left and becomes a voucher (store credit), or waits for a manager, as the policy says. The
split and the voucher always add up to exactly the refund.

The engine decides with two sums per receipt (what non-cash and cash tenders can still
take); the split itself is made only when a caller reads ``Decision.tender_split`` (see
:func:`pay_back`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.receipt import SoldLine, Tender, TenderKind

if TYPE_CHECKING:
    from returns_desk.domain.policy.model import RestockingFee

# Enum members as module constants: class attribute lookup on an enum is slow.
_CASH = TenderKind.CASH

HUNDRED = Decimal(100)


class RefundError(ValueError):
    """A refund that cannot be paid as asked (more than sold, more than the tenders took)."""


def telescoped(total: Decimal, sold: int, qty: int, already_returned: int) -> Decimal:
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
    return telescoped(line.paid, line.qty, qty, already_returned)


def line_net_refund(line: SoldLine, qty: int, already_returned: int) -> Decimal:
    """The pre-tax part of :func:`line_refund`; restocking fees are a percent of this."""
    return telescoped(line.net, line.qty, qty, already_returned)


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
    """Pay ``amount`` back over the original tenders, each up to what it can still take.

    Non-cash tenders are filled first, in receipt order, and cash last, so the drawer pays
    out only what cards and gift cards cannot take back. No tender gets back more than it
    paid less what it already got; the parts sum to exactly ``amount``. Plain subtraction:
    no rounding, so nothing to lose.
    """
    done = already_refunded_per_tender
    parts: list[tuple[Tender, Decimal]] = []
    cash: list[tuple[Tender, Decimal]] = []
    left = amount
    for index, tender in enumerate(receipt_tenders):
        room = tender.amount - done[index] if index < len(done) else tender.amount
        if room > 0:
            (cash if tender.kind is TenderKind.CASH else parts).append((tender, room))
    result = []
    for tender, room in parts + cash:
        if left <= 0:
            break
        take = room if room < left else left
        result.append((tender, take))
        left -= take
    if left > 0:
        room = tender_room(receipt_tenders, done)
        raise RefundError(f"refund {amount} is more than the original payments can take ({room})")
    return result


def cash_over_limit(
    split: list[tuple[Tender, Decimal]], limit: Decimal
) -> tuple[list[tuple[Tender, Decimal]], Decimal]:
    """Move cash above ``limit`` to a voucher; returns (the split left, the voucher amount)."""
    excess = cash_in_split(split) - limit
    if excess <= 0:
        return split, ZERO
    to_cut = excess
    result: list[tuple[Tender, Decimal]] = []
    for tender, part in reversed(split):
        if tender.kind is _CASH and to_cut > 0:
            cut = min(part, to_cut)
            to_cut -= cut
            part -= cut
        if part > 0:
            result.append((tender, part))
    result.reverse()
    return result, excess


def cash_in_split(split: Sequence[tuple[Tender, Decimal]]) -> Decimal:
    """The cash part of a split."""
    total = ZERO
    for tender, part in split:
        if tender.kind is _CASH:
            total += part
    return total


def tender_rooms(
    receipt_tenders: Sequence[Tender], already: Sequence[Decimal]
) -> tuple[Decimal, Decimal]:
    """(non-cash, cash): what the original tenders can still take back, by kind.

    With cash last, a refund of ``amount`` fits if it is at most their sum, and the cash
    part of its split is whatever the non-cash tenders cannot take.
    """
    other = cash = ZERO
    for index, tender in enumerate(receipt_tenders):
        room = tender.amount - already[index] if index < len(already) else tender.amount
        if room > 0:
            if tender.kind is _CASH:
                cash += room
            else:
                other += room
    return other, cash


def pay_back(
    amount: Decimal,
    receipt_tenders: Sequence[Tender],
    already: Sequence[Decimal],
    voucher_over: Decimal | None,
) -> tuple[tuple[tuple[Tender, Decimal], ...], Decimal]:
    """(split, voucher): :func:`split_refund`, then cash over ``voucher_over`` as a voucher.

    ``voucher_over`` is the cash this line may still pay out under the return's limit.
    """
    split = split_refund(amount, receipt_tenders, already)
    if voucher_over is None:
        return tuple(split), ZERO
    split, voucher = cash_over_limit(split, voucher_over)
    return tuple(split), voucher


def tender_room(receipt_tenders: Sequence[Tender], already: Sequence[Decimal]) -> Decimal:
    """How much the original tenders can still take back, all together."""
    total = ZERO
    for index, tender in enumerate(receipt_tenders):
        room = tender.amount - already[index] if index < len(already) else tender.amount
        if room > 0:
            total += room
    return total
