"""decide(): one return, one policy, one day -> a Decision with its reasons.

Checks run in a fixed order (quantity, final sale, receipt, window, condition, serial,
fees, payment) and every one leaves a trace; the worst verdict wins and the allowed
settlements are what every rule still allows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from returns_desk.domain.decision import (
    Decision,
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
from returns_desk.domain.policy.lineplan import LinePlan, line_plan
from returns_desk.domain.policy.model import CashOverLimit, Condition, Policy, Verdict
from returns_desk.domain.policy.refund import (
    line_refund,
    pay_back,
    receiptless_amounts,
    tender_rooms,
)
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.window import WindowPlan, evaluate, last_day
from returns_desk.domain.receipt import TenderKind

# Enum members as module constants: class attribute lookup on an enum is slow.
_DENY = Verdict.DENY
_NEEDS_OVERRIDE = Verdict.NEEDS_OVERRIDE
_ACCEPT = Verdict.ACCEPT
_REFUND = Settlement.REFUND
_DEFECTIVE = Condition.DEFECTIVE
_VOUCHER = CashOverLimit.VOUCHER
_CASH = TenderKind.CASH
_EVERY_WAY = len(Settlement)
_NO_WAY: frozenset[Settlement] = frozenset()

NO_WINDOW = RuleTrace("window", "Return window", False, "No receipt: the purchase date is unknown.")
IN_TIME = RuleTrace("window.late", "Returned in time", False, "Returned within the window.")
NO_LIMIT = RuleTrace("window.late", "Returned in time", False, "No time limit applies.")
NOT_GIFT = RuleTrace("receipt.gift", "Gift receipt", False, "Not a gift receipt.")


def decide(policy: Policy, case: ReturnCase, today: date) -> Decision:
    """Decide one return under ``policy`` on ``today`` and explain why."""
    tally = Tally()
    line = case.line
    cond = case.condition
    if cond.__class__ is not Condition:
        cond = Condition(cond)
    with_receipt = case.has_receipt and case.receipt is not None
    if not _check_qty(case, with_receipt, tally):
        return _decision(policy, case, tally, ZERO, ZERO, None)
    plan = line_plan(policy, line, cond, case.tier)
    if plan.final_sale or line.final_sale:
        check_final_sale(policy, case, tally)
    else:
        tally.traces.append(NOT_FINAL)  # accepts: no verdict to weigh
    ends = net = None  # net: worked out only if a percent restocking fee needs it
    if with_receipt:
        ends, refund = _check_receipt(policy, case, plan, cond, today, tally)
    else:
        _check_receiptless(policy, case, tally)
        net, refund = receiptless_amounts(line, case.qty, case.lowest_recent_price)
    tally.add(plan.condition, plan.condition.effect)  # static, cached with the plan
    if line.serialized:
        check_serial(policy, case, tally)
    fee = ZERO
    if plan.fee is not None:
        fee = check_restocking(case, plan.fee, net, refund, tally)
    elif policy.restocking_fees:
        tally.traces.append(NO_FEE)
    allowed = policy.refund.settlements
    if len(allowed) != _EVERY_WAY:  # a subset of Settlement: all of them narrows nothing
        tally.settlements &= allowed
    if not tally.settlements:
        reason = "No way to settle this return is left under the policy."
        tally.note("settlement", "Settlement", True, reason, _DENY)
    return _decision(policy, case, tally, refund - fee, fee, ends)


def _decision(
    policy: Policy,
    case: ReturnCase,
    tally: Tally,
    amount: Decimal,
    fee: Decimal,
    ends: date | None,
) -> Decision:
    """Assemble the Decision; a denied return pays nothing and offers no settlement."""
    payout = None
    if tally.rank == 2:  # denied
        amount = fee = ZERO
        settlements = _NO_WAY
    else:
        payout = _check_tenders(policy, case, amount, tally)
        settlements = tally.settlements
    return Decision(
        tally.outcome,
        settlements,
        amount,
        fee,
        ends,
        policy.name,
        policy.version,
        case.qty,
        None,
        tally.traces,
        payout,
    )


def _check_qty(case: ReturnCase, with_receipt: bool, tally: Tally) -> bool:
    """At least one unit, and no more than sold minus already returned."""
    line = case.line
    if case.qty < 1:
        reason = "Nothing to return: the quantity must be at least 1."
        tally.note("quantity", "Quantity", True, reason, _DENY)
        return False
    if with_receipt and case.qty > line.returnable_qty:
        reason = (
            f"Only {line.returnable_qty} of the {line.qty} sold can still be returned "
            f"({line.qty_returned} already returned)."
        )
        tally.note("quantity", "Quantity", True, reason, _DENY)
        return False
    return True


def _check_receipt(
    policy: Policy, case: ReturnCase, plan: LinePlan, cond: Condition, today: date, tally: Tally
) -> tuple[date | None, Decimal]:
    """With a receipt: gift or not, the window; (its last day, the refund for the units)."""
    line = case.line
    if case.gift_receipt:
        _check_gift(policy, tally)
    else:
        tally.traces.append(NOT_GIFT)
    ends = _check_window(policy, case, plan.window, cond, today, tally)
    return ends, line_refund(line, case.qty, line.qty_returned)


def _check_gift(policy: Policy, tally: Tally) -> None:
    """A gift receipt: the policy's gift settlements only."""
    allowed = policy.receipt.gift_receipt
    reason = f"Gift receipt: {settlement_words(allowed)} only, no refund to the buyer's payment."
    if _REFUND in allowed:
        reason = f"Gift receipt: {settlement_words(allowed)}."
    tally.note("receipt.gift", "Gift receipt", True, reason, allow=allowed)


def _check_window(
    policy: Policy, case: ReturnCase, plan: WindowPlan, cond: Condition, today: date, tally: Tally
) -> date | None:
    """The window (with tier and holiday extensions); defective items may use the warranty."""
    receipt = case.receipt
    assert receipt is not None
    bought = receipt.sold_at.date()
    start = bought
    if plan.from_delivery and case.line.delivered_on is not None:
        start = case.line.delivered_on
    ends = evaluate(plan, start, bought, tally.traces)
    late = ends is not None and today > ends
    if cond is _DEFECTIVE and _check_defective(policy, late, start, today, tally):
        return ends
    if late:
        args = (plan.wording, ends, today)
        verdict = policy.windows.late
        tally.note("window.late", "Returned in time", True, reasons.late, verdict, args=args)
    else:
        tally.traces.append(IN_TIME if ends else NO_LIMIT)
    return ends


def _check_defective(policy: Policy, late: bool, start: date, today: date, tally: Tally) -> bool:
    """True when the defective rule settled the timing (in window, or under warranty)."""
    rules = policy.defective
    if not late:
        allowed = rules.within_window
        words = reasons.defective_in_window
        tally.note("defective.window", "Defective items", True, words, _ACCEPT, allowed, (allowed,))
        return True
    days = rules.warranty_days
    if not days:
        return False
    rule_id, desc, allowed = "defective.warranty", "Defective under warranty", rules.after_window
    ends = last_day(policy, start, days)
    if today <= ends:
        args = (days, ends, allowed)
        tally.note(rule_id, desc, True, reasons.under_warranty, _ACCEPT, allowed, args)
        return True
    # Past the warranty too: a manager may still accept it, but never on better terms
    # than the warranty gives, so a later date cannot widen the settlement.
    tally.note(rule_id, desc, False, reasons.warranty_ended, _ACCEPT, allowed, (days,))
    return False


def _check_receiptless(policy: Policy, case: ReturnCase, tally: Tally) -> None:
    """No receipt: allowed or not, store credit at the lowest recent price, ID and a limit."""
    rules = policy.receipt
    tally.add(NO_WINDOW)
    if rules.receiptless is _DENY:
        reason = "Returns without a receipt are not accepted."
        tally.note("receipt.none", "No receipt", True, reason, _DENY)
        return
    reason = (
        f"Without a receipt: {settlement_words(rules.receiptless_settlements)} only, at the "
        f"lowest price of the last {rules.lowest_price_days} days."
    )
    if rules.receiptless is _NEEDS_OVERRIDE:
        reason += " A manager must approve."
    allowed = rules.receiptless_settlements
    tally.note("receipt.none", "No receipt", True, reason, rules.receiptless, allowed)
    if rules.id_required:
        ok = case.id_checked
        reason = (
            "Photo ID checked." if ok else "Photo ID is required for returns without a receipt."
        )
        tally.note("receipt.id", "ID required", not ok, reason, _ACCEPT if ok else _DENY)
    if rules.limit_count is not None:
        used, limit = case.customer_receiptless_count, rules.limit_count
        over = used >= limit
        reason = (
            f"{used} returns without a receipt in the last {rules.limit_period_days} days; "
            f"the limit is {limit}."
        )
        verdict = rules.over_limit if over else _ACCEPT
        tally.note("receipt.limit", "Receiptless limit", over, reason, verdict)


def _check_tenders(
    policy: Policy, case: ReturnCase, amount: Decimal, tally: Tally
) -> Payout | None:
    """Can the original payments take the refund back, and is the cash part over the limit?

    The limit is for the whole return: ``case.cash_paid_today`` (earlier lines of this
    return, earlier returns on the receipt today) uses it up first. Cash goes back last, so
    when it is reached the cards and gift cards are full already: what is over the limit
    becomes a voucher, or needs a manager, as the policy says.

    Decides with what the tenders can still take; the split itself is left to the
    Decision (``tender_split``), made by :func:`~.refund.pay_back` when first read.
    """
    receipt = case.receipt
    if receipt is None or not receipt.tenders or amount <= ZERO or not case.has_receipt:
        return None
    if _REFUND not in tally.settlements:
        return None
    tenders, done = receipt.tenders, case.tender_refunded
    other, cash_room = tender_rooms(tenders, done)
    if amount > other + cash_room:
        rule_id, desc = "refund.tenders", "Refund to original payment"
        args = (other + cash_room,)
        tally.note(rule_id, desc, True, reasons.tenders_short, _NEEDS_OVERRIDE, args=args)
        return None
    limit = policy.refund.cash_limit
    cash = amount - other if amount > other else ZERO  # cash last: what the others cannot take
    if limit is None or cash <= ZERO:
        return pay_back, (amount, tenders, done, None)
    before = case.cash_paid_today
    room = limit - before if before < limit else ZERO  # what the limit still allows
    if cash <= room:
        return pay_back, (amount, tenders, done, None)
    rule_id, desc, over = "refund.cash_limit", "Cash limit", cash - room
    if policy.refund.over_cash_limit is _VOUCHER:
        args = (limit, before, over, any(t.kind is not _CASH for t in tenders))
        tally.note(rule_id, desc, True, reasons.cash_as_voucher, args=args)
        return pay_back, (amount, tenders, done, room)
    args = (limit, before, over)
    tally.note(rule_id, desc, True, reasons.cash_needs_manager, _NEEDS_OVERRIDE, args=args)
    return pay_back, (amount, tenders, done, None)


__all__ = ["Outcome", "decide"]
