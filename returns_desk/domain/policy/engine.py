"""decide(): one return, one policy, one day -> a Decision with its reasons.

Checks run in a fixed order (quantity, final sale, receipt, window, condition, serial,
photo ID, fees, settlement rules, deductions, payment) and every one leaves a trace; the
worst verdict wins and the allowed settlements are what every rule still allows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from returns_desk.domain.decision import (
    Decision,
    Deduction,
    OtherPayment,
    Outcome,
    Payout,
    RuleTrace,
    Settlement,
    settlement_words,
)
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.conditions import (
    NO_FEE,
    NOT_FINAL,
    check_final_sale,
    check_restocking,
    check_serial,
)
from returns_desk.domain.policy.deductions import deductions
from returns_desk.domain.policy.lineplan import LinePlan, line_plan
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.receipt_rules import check_id, check_receiptless
from returns_desk.domain.policy.refund import (
    line_refund,
    pay_back,
    receiptless_amounts,
    tender_rooms,
)
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.terms import CashOverLimit, Condition, ExchangeFor, Verdict
from returns_desk.domain.policy.window import WindowPlan, day_number, evaluate, last_day
from returns_desk.domain.receipt import TenderKind

# Enum members as module constants: class attribute lookup on an enum is slow.
_DENY = Verdict.DENY
_NEEDS_OVERRIDE = Verdict.NEEDS_OVERRIDE
_ACCEPT = Verdict.ACCEPT
_REFUND = Settlement.REFUND
_EXCHANGE = Settlement.EXCHANGE
_DEFECTIVE = Condition.DEFECTIVE
_VOUCHER = CashOverLimit.VOUCHER
_CASH = TenderKind.CASH
_IDENTICAL = ExchangeFor.IDENTICAL
_EVERY_WAY = len(Settlement)
_NO_WAY: frozenset[Settlement] = frozenset()

IN_TIME = RuleTrace("window.late", "Returned in time", False, "Returned within the window.")
NO_LIMIT = RuleTrace("window.late", "Returned in time", False, "No time limit applies.")
NOT_GIFT = RuleTrace("receipt.gift", "Gift receipt", False, "Not a gift receipt.")


class _Extras:
    """What a decision carries besides the basics (most returns have none of it)."""

    __slots__ = ("deductions", "identical", "points")

    def __init__(self) -> None:
        self.deductions: tuple[Deduction, ...] = ()
        self.points = 0
        self.identical = False


def decide(policy: Policy, case: ReturnCase, today: date) -> Decision:
    """Decide one return under ``policy`` on ``today`` and explain why."""
    tally = Tally()
    line = case.line
    cond = case.condition
    if cond.__class__ is not Condition:
        cond = Condition(cond)
    with_receipt = case.has_receipt and case.receipt is not None
    if not _check_qty(case, with_receipt, tally):
        return _decision(policy, case, tally, ZERO, ZERO, None, None)
    plan = line_plan(policy, case, cond)
    if plan.final_sale or line.final_sale:
        check_final_sale(case, plan.final_rule, tally)
    else:
        tally.traces.append(NOT_FINAL)  # accepts: no verdict to weigh
    ends = net = start = None  # net: worked out only if a percent restocking fee needs it
    if with_receipt:
        ends, start, refund = _check_receipt(policy, case, plan, cond, today, tally)
    else:
        net, refund = receiptless_amounts(line, case.qty, case.lowest_recent_price)
        check_receiptless(policy, case, plan, refund, tally)
    tally.add(plan.condition, plan.condition.effect)  # static, cached with the plan
    if line.serialized:
        check_serial(policy, case, tally)
    if plan.id_checks:
        check_id(case, plan.id_checks, refund, tally)
    fee = ZERO
    if plan.fee is not None:
        if plan.fee_waived is not None:
            tally.traces.append(plan.fee_waived)
        else:
            fee = check_restocking(case, plan.fee, net, refund, tally)
    elif policy.restocking_fees:
        tally.traces.append(NO_FEE)
    extras = None
    if plan.settle_rules or plan.band_rules:
        extras = _Extras()
        _check_settlement_rules(policy, plan, start, today, tally, extras)
    amount = refund - fee
    if _may_deduct(case, plan):
        extras = extras or _Extras()
        extras.deductions, extras.points = deductions(policy, case, plan, amount, tally)
        for deduction in extras.deductions:
            amount -= deduction.amount
    allowed = policy.refund.settlements
    if len(allowed) != _EVERY_WAY:  # a subset of Settlement: all of them narrows nothing
        tally.settlements &= allowed
    if not tally.settlements:
        reason = "No way to settle this return is left under the policy."
        tally.note("settlement", "Settlement", True, reason, _DENY)
    return _decision(policy, case, tally, amount, fee, ends, extras)


def _may_deduct(case: ReturnCase, plan: LinePlan) -> bool:
    """Whether any deduction can apply: most returns skip the work."""
    return bool(
        case.free_item_kept or case.bundle_kept or case.rewards_share or case.points_share
        or (plan.clearance is not None and case.current_price is not None)
    )  # fmt: skip


def _decision(
    policy: Policy,
    case: ReturnCase,
    tally: Tally,
    amount: Decimal,
    fee: Decimal,
    ends: date | None,
    extras: _Extras | None,
) -> Decision:
    """Assemble the Decision; a denied return pays nothing and offers no settlement."""
    payout = paid_by = None
    if tally.rank == 2:  # denied
        amount = fee = ZERO
        settlements = _NO_WAY
        extras = None
    else:
        payout, paid_by = _check_tenders(policy, case, amount, tally)
        settlements = tally.settlements
    decision = Decision(
        tally.outcome,
        settlements,
        amount,
        fee,
        ends,
        policy.head.name,
        policy.head.version,
        case.qty,
        None,
        tally.traces,
        payout,
    )
    if extras is not None:
        decision.deductions = extras.deductions
        decision.points_reversed = extras.points
        decision.exchange_identical = extras.identical and _EXCHANGE in settlements
    decision.paid_by = paid_by
    return decision


def _check_qty(case: ReturnCase, with_receipt: bool, tally: Tally) -> bool:
    """At least one unit, and no more than sold minus already returned."""
    line = case.line
    if case.qty < 1:
        reason = "Nothing to return: the quantity must be at least 1."
        tally.note("quantity", "Quantity", True, reason, _DENY)
        return False
    if with_receipt and case.qty > line.returnable_qty:
        held = (
            f", {line.qty_reserved} held for a pre-registered return" if line.qty_reserved else ""
        )
        reason = (
            f"Only {line.returnable_qty} of the {line.qty} sold can still be returned "
            f"({line.qty_returned} already returned{held})."
        )
        tally.note("quantity", "Quantity", True, reason, _DENY)
        return False
    return True


def _check_receipt(
    policy: Policy, case: ReturnCase, plan: LinePlan, cond: Condition, today: date, tally: Tally
) -> tuple[date | None, date, Decimal]:
    """With a receipt: gift or not, the window; (its last day, its start, the refund)."""
    line = case.line
    if case.gift_receipt:
        _check_gift(policy, tally)
    else:
        tally.traces.append(NOT_GIFT)
    ends, start = _check_window(policy, case, plan.window, cond, today, tally)
    return ends, start, line_refund(line, case.qty, line.qty_returned)


def _check_gift(policy: Policy, tally: Tally) -> None:
    """A gift receipt: the policy's gift settlements only."""
    allowed = policy.receipt.gift_receipt
    reason = f"Gift receipt: {settlement_words(allowed)} only, no refund to the buyer's payment."
    if _REFUND in allowed:
        reason = f"Gift receipt: {settlement_words(allowed)}."
    tally.note("receipt.gift", "Gift receipt", True, reason, allow=allowed)


def _check_window(
    policy: Policy, case: ReturnCase, plan: WindowPlan, cond: Condition, today: date, tally: Tally
) -> tuple[date | None, date]:
    """The window (extended, holidays); defective items may use the warranty.

    Returns (the last day or None for no limit, the day the window counts from)."""
    receipt = case.receipt
    assert receipt is not None
    bought = receipt.sold_at.date()
    received = case.line.delivered_on
    start = received if plan.from_delivery and received is not None else bought
    ends = evaluate(plan, start, bought, received, tally.traces)
    late = ends is not None and today > ends
    if cond is _DEFECTIVE and _check_defective(policy, late, start, today, tally):
        return ends, start
    if late:
        args = (plan.wording, ends, today)
        verdict = policy.windows.late
        tally.note("window.late", "Returned in time", True, reasons.late, verdict, args=args)
    else:
        tally.traces.append(IN_TIME if ends else NO_LIMIT)
    return ends, start


def _check_defective(policy: Policy, late: bool, start: date, today: date, tally: Tally) -> bool:
    """True when the defective rule settled the timing (in window, or under warranty)."""
    rules = policy.defective
    if not late:
        allowed = rules.within_window
        words = reasons.defective_in_window
        tally.note("defective.window", "Defective items", True, words, _ACCEPT, allowed, (allowed,))
        return True
    days = rules.warranty_days
    rule_id, desc, allowed = "defective.warranty", "Defective under warranty", rules.after_window
    if days is None:  # an unlimited warranty
        reason = f"Past the return window, under warranty: {settlement_words(allowed)} only."
        tally.note(rule_id, desc, True, reason, _ACCEPT, allowed)
        return True
    if not days:
        return False
    ends = last_day(policy, start, days)
    if today <= ends:
        args = (days, ends, allowed)
        tally.note(rule_id, desc, True, reasons.under_warranty, _ACCEPT, allowed, args)
        return True
    # Past the warranty too: a manager may still accept it, but never on better terms
    # than the warranty gives, so a later date cannot widen the settlement.
    tally.note(rule_id, desc, False, reasons.warranty_ended, _ACCEPT, allowed, (days,))
    return False


def _check_settlement_rules(
    policy: Policy,
    plan: LinePlan,
    start: date | None,
    today: date,
    tally: Tally,
    extras: _Extras,
) -> None:
    """`[[settlement]]` rules narrow the settlements: always, or on some days of the window.

    Day bands need the window's start, so returns without a receipt skip them."""
    for trace, allowed in plan.settle_rules:
        tally.add(trace, allow=allowed)
    extras.identical = plan.identical
    if start is None:
        return
    day = day_number(policy, start, today)
    for rule in plan.band_rules:
        inside = (rule.from_day or 1) <= day <= (rule.until_day or day)
        rid = f"settlement.{rule.id}"
        if not inside:
            band = (day, rule.from_day, rule.until_day)
            tally.note(rid, "Settlement", False, reasons.outside_band, args=band)
            continue
        words = (day, rule.settlements, rule.description)
        tally.note(rid, "Settlement", True, reasons.day_band, allow=rule.settlements, args=words)
        extras.identical = extras.identical or rule.exchange is _IDENTICAL


def _check_tenders(
    policy: Policy, case: ReturnCase, amount: Decimal, tally: Tally
) -> tuple[Payout | None, OtherPayment | None]:
    """Can the original payments take the refund back; is the cash part large, or over
    the limit?

    The limit is for the whole return: ``case.cash_paid_today`` (earlier lines of this
    return, earlier returns on the receipt today) uses it up first. Cash goes back last, so
    when it is reached the cards and gift cards are full already: what is over the limit
    becomes a voucher, or needs a manager, as the policy says. A refund whose cash part is
    above ``large_refund_above`` pays that part by cheque or transfer instead.

    Decides with what the tenders can still take; the split itself is left to the
    Decision (``tender_split``), made by :func:`~.refund.pay_back` when first read.
    """
    receipt = case.receipt
    if receipt is None or not receipt.tenders or amount <= ZERO or not case.has_receipt:
        return None, None
    if _REFUND not in tally.settlements:
        return None, None
    tenders, done = receipt.tenders, case.tender_refunded
    other, cash_room = tender_rooms(tenders, done)
    if amount > other + cash_room:
        rule_id, desc = "refund.tenders", "Refund to original payment"
        args = (other + cash_room,)
        tally.note(rule_id, desc, True, reasons.tenders_short, _NEEDS_OVERRIDE, args=args)
        return None, None
    rules = policy.refund
    cash = amount - other if amount > other else ZERO  # cash last: what the others cannot take
    before = case.cash_paid_today
    large = rules.large_refund_above
    if large is not None and cash > ZERO and (case.large_refund or cash + before > large):
        how = rules.large_refund_by.value
        tally.note("refund.large", "Large refund", True, reasons.large_refund,
                   args=(how, cash, large, before))  # fmt: skip
        return (pay_back, (amount, tenders, done, None)), OtherPayment(how, cash)
    limit = rules.cash_limit
    if limit is None or cash <= ZERO:
        return (pay_back, (amount, tenders, done, None)), None
    room = limit - before if before < limit else ZERO  # what the limit still allows
    if cash <= room:
        return (pay_back, (amount, tenders, done, None)), None
    rule_id, desc, over = "refund.cash_limit", "Cash limit", cash - room
    if rules.over_cash_limit is _VOUCHER:
        others = any(t.kind is not _CASH for t in tenders)
        tally.note(rule_id, desc, True, reasons.cash_as_voucher,
                   args=(limit, before, over, others))  # fmt: skip
        return (pay_back, (amount, tenders, done, room)), None
    tally.note(rule_id, desc, True, reasons.cash_needs_manager, _NEEDS_OVERRIDE,
               args=(limit, before, over))  # fmt: skip
    return (pay_back, (amount, tenders, done, None)), None


__all__ = ["Outcome", "decide"]
