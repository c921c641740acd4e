"""What a return takes back besides a restocking fee: promotions, rewards, clearance price.

Every deduction comes out of the refund for the units, after the fee, and never takes it
below zero, so for every return ``refund + fee + deductions`` is exactly what those units
cost (see :func:`~.refund.line_refund`), and over all returns of a receipt the three add
up to exactly what was paid. Shares of a receipt-wide amount (reward currency spent,
points) telescope over a line's units like refunds do, so returning a line piece by piece
takes back exactly its share.
"""

from __future__ import annotations

from decimal import Decimal

from returns_desk.domain.decision import Deduction, Verdict
from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.lineplan import LinePlan
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.refund import line_net_refund, line_refund, telescoped
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.terms import Bundle, Reclaim

_DEDUCT = Reclaim.DEDUCT
_IGNORE_BUNDLE = Bundle.IGNORE


def _proportion(value: Decimal, qty: int, remaining: int) -> Decimal:
    """The part of ``value`` for ``qty`` of the ``remaining`` units; all of it for the rest."""
    if remaining <= 0 or qty >= remaining:
        return value
    return round_money(value * qty / remaining)


def whole_share(total: int, sold: int, qty: int, already: int) -> int:
    """:func:`~.refund.telescoped` for whole numbers (points), rounding half up."""
    if sold <= 0:
        return 0

    def upto(units: int) -> int:
        return (2 * total * units + sold) // (2 * sold)

    return upto(already + qty) - upto(already)


def deductions(
    policy: Policy, case: ReturnCase, plan: LinePlan, refund: Decimal, tally: Tally
) -> tuple[tuple[Deduction, ...], int]:
    """(what comes off the refund, loyalty points reversed) for this return.

    ``refund`` is what is left after the restocking fee: no deduction goes past it.
    """
    found: list[Deduction] = []
    room = refund
    line, qty, before = case.line, case.qty, case.line.qty_returned
    promo = policy.promotions
    wanted: list[tuple[str, str, str, Decimal]] = []
    if plan.clearance is not None and case.current_price is not None and case.has_receipt:
        gap = _clearance_gap(case, refund)
        if gap:
            rid = f"clearance.{plan.clearance.id}"
            words = plan.clearance.description or "Refunded at today's clearance price"
            wanted.append((rid, "clearance", words, gap))
    if case.free_item_kept and promo.free_item_kept is _DEDUCT:
        value = _proportion(case.free_item_kept, qty, line.returnable_qty)
        wanted.append(("promotions.free_item", "free_item", "Free promotional item kept", value))
    if case.bundle_kept and promo.broken_bundle is not _IGNORE_BUNDLE:
        value = _proportion(case.bundle_kept, qty, line.returnable_qty)
        if promo.broken_bundle is Bundle.DEDUCT:
            wanted.append(("promotions.bundle", "bundle", "Bundle discount of items kept", value))
        else:
            verdict = Verdict(promo.broken_bundle.value)
            reason = "Part of a bundle comes back while the rest is kept."
            tally.note("promotions.bundle", "Broken bundle", True, reason, verdict)
    if case.rewards_share and promo.rewards_spent is _DEDUCT:
        value = telescoped(case.rewards_share, line.qty, qty, before)
        wanted.append(("promotions.rewards", "rewards", "Rewards earned and spent", value))
    for rule_id, kind, words, amount in wanted:
        take = amount if amount < room else room
        if take <= ZERO:
            continue
        room -= take
        found.append(Deduction(kind, words, take))
        tally.note(rule_id, words, True, reasons.deducted, args=(words, take))
    points = 0
    if promo.reverse_points and case.points_share:
        points = whole_share(case.points_share, line.qty, qty, before)
        if points:
            tally.note("promotions.points", "Loyalty points", True, reasons.points_reversed,
                       args=(points,))  # fmt: skip
    return tuple(found), points


def _clearance_gap(case: ReturnCase, refund: Decimal) -> Decimal:
    """How much more the units cost than at today's price (with tax at the line's rate)."""
    line, qty = case.line, case.qty
    assert case.current_price is not None
    today = round_money(case.current_price * qty)
    if today >= line_net_refund(line, qty, line.qty_returned):
        return ZERO
    at_today = today + round_money(today * line.tax_rate)
    gap = line_refund(line, qty, line.qty_returned) - at_today
    return gap if gap > ZERO else ZERO
