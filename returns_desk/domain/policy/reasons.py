"""The words of the reasons that depend on the return's dates and amounts.

The engine records which of these applies and with what values; the words are built only
when a clerk or an auditor reads the decision's reasons (``Decision.rules``), since
formatting dates and money costs more than deciding.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from returns_desk.domain.decision import Settlement, settlement_words
from returns_desk.domain.money import format_money


def window(wording: str, days: int | None, since: str, start: date, ends: date | None) -> str:
    """The window that applies: its days, from when (purchase, or delivery for a delivered
    item), until when."""
    if ends is None:
        return f"{wording}: no time limit."
    count = "1 day" if days == 1 else f"{days} days"
    return f"{wording}: {count} from {since} on {start.isoformat()}, until {ends.isoformat()}."


def days_ago(days: int) -> str:
    """'1 day ago', '3 days ago'."""
    return f"{days} day ago" if days == 1 else f"{days} days ago"


def late(wording: str, ends: date, today: date) -> str:
    return f"{wording}: the window closed on {ends}, {days_ago((today - ends).days)}."


def defective_in_window(allowed: frozenset[Settlement]) -> str:
    return f"Defective within the return window: {settlement_words(allowed)}."


def under_warranty(warranty_days: int, ends: date, allowed: frozenset[Settlement]) -> str:
    return (
        f"Past the return window but within the {warranty_days}-day warranty "
        f"(until {ends}): {settlement_words(allowed)} only."
    )


def warranty_ended(warranty_days: int) -> str:
    return f"The {warranty_days}-day warranty has also ended."


def fee_waived_in(region: str) -> str:
    return f"The restocking fee is waived in {region}."


def fee_waived_for(tier: str) -> str:
    return f"The restocking fee is waived for {tier} members."


def restocking_fee(fee: Decimal, percent: Decimal | None, condition: str) -> str:
    how = f"{percent}% of the price" if percent is not None else "a fixed fee per item"
    return f"A restocking fee of {format_money(fee)} ({how}) applies to {condition} items."


def tenders_short(room: Decimal) -> str:
    return (
        f"The original payments can take back only {format_money(room)}; "
        "a manager must settle the rest."
    )


def _counting(before: Decimal) -> str:
    """What of the limit is used already, if anything."""
    if not before:
        return ""
    return f", counting {format_money(before)} in cash already going back on this receipt today"


def cash_as_voucher(
    limit: Decimal, before: Decimal, voucher: Decimal, other_payments: bool = False
) -> str:
    """Cash over the limit comes as store credit; the cards could take no more of it."""
    full = " (the other payments already get back all they took)" if other_payments else ""
    return (
        f"Cash refunds are limited to {format_money(limit)} per return{_counting(before)}: "
        f"{format_money(voucher)} comes as a voucher instead{full}."
    )


def cash_needs_manager(limit: Decimal, before: Decimal, over: Decimal) -> str:
    return (
        f"Cash refunds over {format_money(limit)} per return need a manager's approval"
        f"{_counting(before)}: this is {format_money(over)} over."
    )


def large_refund(method: str, cash: Decimal, limit: Decimal, before: Decimal) -> str:
    how = method.replace("_", " ")
    return (
        f"Refunds with more than {format_money(limit)} in cash{_counting(before)} are paid by "
        f"{how}: {format_money(cash)} by {how} instead of from the drawer."
    )


def deducted(what: str, amount: Decimal) -> str:
    return f"{what}: {format_money(amount)} comes off the refund."


def points_reversed(points: int) -> str:
    return (
        f"{points} loyalty point{'' if points == 1 else 's'} earned on the purchase are reversed."
    )


def day_band(day: int, allowed: frozenset[Settlement], words: str) -> str:
    return f"{words or 'Day ' + str(day) + ' of the window'}: {settlement_words(allowed)} only."


def id_needed(amount: Decimal, from_amount: Decimal) -> str:
    if from_amount:
        return f"Photo ID is required for returns of {format_money(from_amount)} or more."
    return "Photo ID is required for this return."


def outside_band(day: int, from_day: int | None, until_day: int | None) -> str:
    return f"Not day {from_day or 1} to {until_day or 'the end'} of the window (day {day})."
