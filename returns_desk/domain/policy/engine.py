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
    RuleTrace,
    Settlement,
    settlement_words,
)
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.conditions import (
    check_final_sale,
    check_restocking,
    check_serial,
)
from returns_desk.domain.policy.lineplan import line_plan
from returns_desk.domain.policy.model import CashOverLimit, Condition, Policy, Verdict
from returns_desk.domain.policy.refund import (
    RefundError,
    cash_in_split,
    cash_over_limit,
    line_refund,
    receiptless_amounts,
    split_refund,
    tender_room,
)
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.window import WindowPlan, evaluate, last_day, start_date
from returns_desk.domain.receipt import Tender

# Enum members as module constants: class attribute lookup on an enum is slow.
_DENY = Verdict.DENY
_NEEDS_OVERRIDE = Verdict.NEEDS_OVERRIDE
_ACCEPT = Verdict.ACCEPT
_REFUND = Settlement.REFUND
_DEFECTIVE = Condition.DEFECTIVE
_VOUCHER = CashOverLimit.VOUCHER

Split = tuple[tuple[Tender, Decimal], ...]
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
    check_final_sale(policy, case, plan.final_sale, tally)
    ends = None
    if with_receipt:
        _check_gift(policy, case, tally)
        ends = _check_window(policy, case, plan.window, cond, today, tally)
        net = None  # worked out only if a percent restocking fee needs it
        refund = line_refund(line, case.qty, line.qty_returned)
    else:
        _check_receiptless(policy, case, tally)
        net, refund = receiptless_amounts(line, case.qty, case.lowest_recent_price)
    tally.add(plan.condition, plan.condition.effect)  # static, cached with the plan
    check_serial(policy, case, tally)
    fee = check_restocking(policy, case, plan.fee, net, refund, tally)
    tally.settlements &= policy.refund.settlements
    if not tally.settlements:
        reason = "No way to settle this return is left under the policy."
        tally.add(RuleTrace("settlement", "Settlement", True, reason), _DENY)
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
    split: Split = ()
    voucher = ZERO
    if tally.denied:
        amount = fee = ZERO
    else:
        split, voucher = _check_tenders(policy, case, amount, tally)
    return Decision(
        outcome=tally.outcome,
        settlements=frozenset() if tally.denied else tally.settlements,
        refund_amount=amount,
        restocking_fee=fee,
        window_ends=ends,
        rules=tuple(tally.traces),
        policy_name=policy.name,
        policy_version=policy.version,
        qty=case.qty,
        tender_split=split,
        voucher_amount=voucher,
    )


def _check_qty(case: ReturnCase, with_receipt: bool, tally: Tally) -> bool:
    """At least one unit, and no more than sold minus already returned."""
    line = case.line
    if case.qty < 1:
        reason = "Nothing to return: the quantity must be at least 1."
        tally.add(RuleTrace("quantity", "Quantity", True, reason), _DENY)
        return False
    if with_receipt and case.qty > line.returnable_qty:
        reason = (
            f"Only {line.returnable_qty} of the {line.qty} sold can still be returned "
            f"({line.qty_returned} already returned)."
        )
        tally.add(RuleTrace("quantity", "Quantity", True, reason), _DENY)
        return False
    return True


def _check_gift(policy: Policy, case: ReturnCase, tally: Tally) -> None:
    if not case.gift_receipt:
        tally.traces.append(NOT_GIFT)
        return
    allowed = policy.receipt.gift_receipt
    reason = f"Gift receipt: {settlement_words(allowed)} only, no refund to the buyer's payment."
    if _REFUND in allowed:
        reason = f"Gift receipt: {settlement_words(allowed)}."
    tally.add(RuleTrace("receipt.gift", "Gift receipt", True, reason), allow=allowed)


def _check_window(
    policy: Policy, case: ReturnCase, plan: WindowPlan, cond: Condition, today: date, tally: Tally
) -> date | None:
    """The window (with tier and holiday extensions); defective items may use the warranty."""
    receipt = case.receipt
    assert receipt is not None
    bought = receipt.sold_at.date()
    start = start_date(policy, receipt, case.line)
    result = evaluate(plan, start, bought, today)
    tally.traces.extend(result.traces)
    if cond is _DEFECTIVE and _check_defective(policy, result.late, start, today, tally):
        return result.ends
    if result.late:
        assert result.ends is not None
        days = (today - result.ends).days
        reason = f"{result.wording}: the window closed on {result.ends}, {days} days ago."
        tally.add(RuleTrace("window.late", "Returned in time", True, reason), policy.windows.late)
    else:
        tally.traces.append(IN_TIME if result.ends else NO_LIMIT)
    return result.ends


def _check_defective(policy: Policy, late: bool, start: date, today: date, tally: Tally) -> bool:
    """True when the defective rule settled the timing (in window, or under warranty)."""
    rules = policy.defective
    if not late:
        reason = f"Defective within the return window: {settlement_words(rules.within_window)}."
        tally.add(
            RuleTrace("defective.window", "Defective items", True, reason),
            allow=rules.within_window,
        )
        return True
    if rules.warranty_days and today <= last_day(policy, start, rules.warranty_days):
        ends = last_day(policy, start, rules.warranty_days)
        reason = (
            f"Past the return window but within the {rules.warranty_days}-day warranty "
            f"(until {ends}): {settlement_words(rules.after_window)} only."
        )
        tally.add(
            RuleTrace("defective.warranty", "Defective under warranty", True, reason),
            allow=rules.after_window,
        )
        return True
    if rules.warranty_days:
        # Past the warranty too: a manager may still accept it, but never on better terms
        # than the warranty gives, so a later date cannot widen the settlement.
        reason = f"The {rules.warranty_days}-day warranty has also ended."
        tally.add(
            RuleTrace("defective.warranty", "Defective under warranty", False, reason),
            allow=rules.after_window,
        )
    return False


def _check_receiptless(policy: Policy, case: ReturnCase, tally: Tally) -> None:
    """No receipt: allowed or not, store credit at the lowest recent price, ID and a limit."""
    rules = policy.receipt
    tally.add(NO_WINDOW)
    if rules.receiptless is _DENY:
        reason = "Returns without a receipt are not accepted."
        tally.add(RuleTrace("receipt.none", "No receipt", True, reason), _DENY)
        return
    reason = (
        f"Without a receipt: {settlement_words(rules.receiptless_settlements)} only, at the "
        f"lowest price of the last {rules.lowest_price_days} days."
    )
    if rules.receiptless is _NEEDS_OVERRIDE:
        reason += " A manager must approve."
    tally.add(
        RuleTrace("receipt.none", "No receipt", True, reason),
        rules.receiptless,
        rules.receiptless_settlements,
    )
    if rules.id_required:
        ok = case.id_checked
        reason = (
            "Photo ID checked." if ok else "Photo ID is required for returns without a receipt."
        )
        tally.add(
            RuleTrace("receipt.id", "ID required", not ok, reason),
            Verdict.ACCEPT if ok else Verdict.DENY,
        )
    if rules.limit_count is not None:
        used, limit = case.customer_receiptless_count, rules.limit_count
        over = used >= limit
        reason = (
            f"{used} returns without a receipt in the last {rules.limit_period_days} days; "
            f"the limit is {limit}."
        )
        tally.add(
            RuleTrace("receipt.limit", "Receiptless limit", over, reason),
            rules.over_limit if over else _ACCEPT,
        )


def _check_tenders(
    policy: Policy, case: ReturnCase, amount: Decimal, tally: Tally
) -> tuple[Split, Decimal]:
    """Split a refund over the original payments; cash over the limit: voucher or manager."""
    receipt = case.receipt
    if receipt is None or not receipt.tenders or amount <= 0 or not case.has_receipt:
        return (), ZERO
    if _REFUND not in tally.settlements:
        return (), ZERO
    try:
        split = split_refund(amount, receipt.tenders, case.tender_refunded)
    except RefundError:
        room = tender_room(receipt.tenders, case.tender_refunded)
        reason = (
            f"The original payments can take back only {format_money(room)}; "
            "a manager must settle the rest."
        )
        trace = RuleTrace("refund.tenders", "Refund to original payment", True, reason)
        tally.add(trace, _NEEDS_OVERRIDE)
        return (), ZERO
    limit = policy.refund.cash_limit
    if limit is None or cash_in_split(split) <= limit:
        return tuple(split), ZERO
    words = format_money(limit)
    if policy.refund.over_cash_limit is _VOUCHER:
        split, voucher = cash_over_limit(split, limit)
        reason = f"Cash refunds over {words} are paid as a voucher: {format_money(voucher)}."
        tally.add(RuleTrace("refund.cash_limit", "Cash limit", True, reason))
        return tuple(split), voucher
    reason = f"Cash refunds over {words} need a manager's approval."
    tally.add(RuleTrace("refund.cash_limit", "Cash limit", True, reason), _NEEDS_OVERRIDE)
    return tuple(split), ZERO


__all__ = ["Outcome", "decide"]
