"""Where a refund's money goes: each decision's split over the receipt's tenders, summed per
tender, and why part of it comes as a voucher, in words the clerk reads out."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy import reasons
from returns_desk.domain.quote import LineQuote
from returns_desk.domain.receipt import Receipt, TenderKind


def tender_parts(receipt: Receipt, quotes: Sequence[LineQuote]) -> list[Decimal]:
    """Per receipt tender, in order, what the decisions send back to it."""
    parts = [ZERO] * len(receipt.tenders)
    for quote in quotes:
        for tender, part in quote.decision.tender_split:
            index = next(i for i, t in enumerate(receipt.tenders) if t is tender)
            parts[index] += part
    return parts


def voucher_notes(
    receipt: Receipt,
    quotes: Sequence[LineQuote],
    cash_limit: Decimal | None,
    cash_paid_today: Decimal,
    voucher: Decimal | None = None,
) -> tuple[str, ...]:
    """Why part of a refund comes as a voucher, in the words the clerk reads out.

    ``cash_paid_today``: what earlier returns on the receipt paid in cash today; ``voucher``:
    the whole voucher of a completed refund (default: only the part over the cash limit).
    """
    over_limit = sum((q.decision.voucher_amount for q in quotes), ZERO)
    notes = []
    if over_limit and cash_limit is not None:
        others = any(t.kind is not TenderKind.CASH for t in receipt.tenders)
        notes.append(reasons.cash_as_voucher(cash_limit, cash_paid_today, over_limit, others))
    rest = (over_limit if voucher is None else voucher) - over_limit
    if rest > 0:
        notes.append(
            f"{format_money(rest)} more than the original payments can take back "
            "comes as a voucher."
        )
    return tuple(notes)
