"""Refunds a POS made before the desk saw the sale, said as the desk counts them.

An export may give only the refunded amount (Shopify's ``Refunded Amount``). The desk
needs which units came back, so later refunds at the counter add up to what was paid: it
looks for the units whose refunds (as the desk computes a partial return) add up to the
amount exactly, and splits the amount over the tenders as the desk would, cash last.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy.refund import RefundError, split_refund
from returns_desk.domain.receipt import Tender

MAX_STATES = 200_000  # an order this big is matched by hand, not searched


def unit_refund(paid: Decimal, sold: int, returned: int) -> Decimal:
    """What ``returned`` units of a line refund: the line's total times returned over sold,
    to the cent (all of them: exactly the total)."""
    if returned >= sold:
        return paid
    return round_money(paid * returned / sold) if returned else ZERO


def units_for(amount: Decimal, lines: Sequence[tuple[int, Decimal]]) -> list[int] | None:
    """How many units of each line (qty, paid) a refund of ``amount`` took back: the first
    match from the top of the order, or None when no set of units adds up to it."""
    reachable: dict[Decimal, tuple[int, ...]] = {ZERO: ()}
    for qty, paid in lines:
        step: dict[Decimal, tuple[int, ...]] = {}
        for total, taken in reachable.items():
            for returned in range(qty + 1):
                value = total + unit_refund(paid, qty, returned)
                if value <= amount:
                    step.setdefault(value, (*taken, returned))
        reachable = step
        if len(reachable) > MAX_STATES:
            return None
    found = reachable.get(amount)
    return list(found) if found is not None else None


def split_over_tenders(amount: Decimal, tenders: Sequence[Tender]) -> list[Decimal] | None:
    """What each tender gave back of ``amount`` (cards first, cash last); None if more
    than they took."""
    try:
        parts = split_refund(amount, tenders)
    except RefundError:
        return None
    given = {id(tender): part for tender, part in parts}
    return [given.get(id(tender), ZERO) for tender in tenders]
