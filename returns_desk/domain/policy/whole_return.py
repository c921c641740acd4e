"""One return of several lines: decided line by line, sharing the tenders and the cash limit.

The receipt-wide facts each line needs are worked out here from the receipt and the
lines coming back together: free promotional items and bundle items that stay with the
customer, and each line's share of reward currency spent and of points earned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from returns_desk.domain.decision import Decision
from returns_desk.domain.money import ZERO, allocate, round_money
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.engine import decide
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.refund import cash_in_split
from returns_desk.domain.receipt import Receipt


def decide_return(
    policy: Policy,
    cases: Sequence[ReturnCase],
    today: date,
    tender_refunded: Sequence[Decimal] = (),
    cash_paid_today: Decimal = ZERO,
) -> list[Decision]:
    """Decide the lines of one return (one receipt) in order.

    ``tender_refunded`` is what each receipt tender got back before this return, and
    ``cash_paid_today`` the cash earlier returns on this receipt paid out today. Each line
    starts where the one before it left off: its refund narrows what the tenders can still
    take, and its cash counts toward the policy's cash limit, so the limit holds for the
    return as a whole. The cases' own ``tender_refunded`` and ``cash_paid_today`` are
    replaced by these running values, and their promotion facts by those of the receipt.

    When one line's cash is large enough to be paid by cheque or transfer, the whole
    return's cash goes that way: the lines are decided again, all of them so.
    """
    if not cases:
        return []
    cases = with_receipt_facts(cases)
    decisions = _decide_all(policy, cases, today, tender_refunded, cash_paid_today)
    if any(d.paid_by is not None for d in decisions) and not all(
        d.paid_by is not None or not d.cash_amount for d in decisions
    ):
        cases = [replace(case, large_refund=True) for case in cases]
        decisions = _decide_all(policy, cases, today, tender_refunded, cash_paid_today)
    return decisions


def _decide_all(
    policy: Policy,
    cases: Sequence[ReturnCase],
    today: date,
    tender_refunded: Sequence[Decimal],
    cash_paid_today: Decimal,
) -> list[Decision]:
    receipt = cases[0].receipt
    tenders = receipt.tenders if receipt is not None else ()
    running = [*tender_refunded, *[ZERO] * (len(tenders) - len(tender_refunded))]
    cash = cash_paid_today
    decisions = []
    for case in cases:
        case = replace(case, tender_refunded=tuple(running), cash_paid_today=cash)
        decision = decide(policy, case, today)
        split = decision.tender_split
        for tender, part in split:
            index = next(i for i, t in enumerate(tenders) if t is tender)
            running[index] += part
        cash += cash_in_split(split)
        decisions.append(decision)
    return decisions


def with_receipt_facts(cases: Sequence[ReturnCase]) -> list[ReturnCase]:
    """The cases with the facts that depend on the whole receipt and on what else comes
    back in the same return (cases without a receipt are left as they are)."""
    receipt = cases[0].receipt
    if receipt is None or not cases[0].has_receipt:
        return list(cases)
    coming = {case.line.line_no: case.qty for case in cases}
    rewards, points = _shares(receipt)
    result = []
    for case in cases:
        number = case.line.line_no
        result.append(
            replace(
                case,
                free_item_kept=_free_items_kept(receipt, number, coming),
                bundle_kept=_bundle_kept(receipt, case.line.bundle, number, coming),
                rewards_share=rewards.get(number, ZERO),
                points_share=points.get(number, 0),
            )
        )
    return result


def _kept(line_qty: int, returnable: int, coming: int) -> int:
    return max(0, returnable - coming) if line_qty else 0


def _free_items_kept(receipt: Receipt, line_no: int, coming: dict[int, int]) -> Decimal:
    """Shelf value of the free items this line's promotion gave that the customer keeps."""
    value = ZERO
    for line in receipt.lines:
        if line.promo_of == line_no:
            kept = _kept(line.qty, line.returnable_qty, coming.get(line.line_no, 0))
            value += round_money(line.unit_price * kept)
    return value


def _bundle_kept(receipt: Receipt, bundle: str | None, line_no: int, coming: dict[int, int]) -> (
    Decimal
):  # fmt: skip
    """The bundle discount on the other items of this line's bundle that stay."""
    if not bundle:
        return ZERO
    value = ZERO
    for line in receipt.lines:
        if line.bundle == bundle and line.line_no != line_no and line.bundle_discount:
            kept = _kept(line.qty, line.returnable_qty, coming.get(line.line_no, 0))
            value += round_money(line.bundle_discount * kept / line.qty)
    return value


def _shares(receipt: Receipt) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Each line's share of rewards spent and of points earned, by what it cost; the
    shares add up exactly (largest remainder). A sale that cost nothing (a free giveaway
    that still earned points) is split by units instead, so its points are still reversed
    in full when everything comes back."""
    weights: list[Decimal | int] = [line.paid for line in receipt.lines]
    if not any(weights):
        weights = [line.qty for line in receipt.lines]
    if not any(weights):
        return {}, {}
    numbers = [line.line_no for line in receipt.lines]
    rewards = {}
    if receipt.rewards_spent:
        rewards = dict(zip(numbers, allocate(receipt.rewards_spent, weights), strict=True))
    points = {}
    if receipt.points_earned:
        # Whole points split like cents: P points are P hundredths of a unit.
        parts = allocate(Decimal(receipt.points_earned).scaleb(-2), weights)
        points = {n: int(p.scaleb(2)) for n, p in zip(numbers, parts, strict=True)}
    return rewards, points
