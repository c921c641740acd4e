"""Proof rules: returns without a receipt (by item and amount) and photo ID checks."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from returns_desk.domain.decision import RuleTrace, settlement_words
from returns_desk.domain.money import format_money
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.lineplan import LinePlan
from returns_desk.domain.policy.model import IdCheck, Policy, ReceiptRule
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.terms import ReceiptKind, Verdict

_DENY = Verdict.DENY
_ACCEPT = Verdict.ACCEPT
_NEEDS_OVERRIDE = Verdict.NEEDS_OVERRIDE
NO_WINDOW = RuleTrace("window", "Return window", False, "No receipt: the purchase date is unknown.")


def _receipt_rule(plan: LinePlan, amount: Decimal) -> ReceiptRule | None:
    """The first `[[receipt.rule]]` for this item and amount."""
    for rule in plan.receipt_rules:
        if rule.up_to is None or amount <= rule.up_to:
            return rule
    return None


def check_receiptless(
    policy: Policy, case: ReturnCase, plan: LinePlan, amount: Decimal, tally: Tally
) -> None:
    """No receipt: allowed or not (by item and amount), at the lowest recent price, with
    photo ID and within the customer's limit."""
    rules = policy.receipt
    tally.add(NO_WINDOW)
    rule = _receipt_rule(plan, amount)
    verdict, allowed = rules.receiptless, rules.receiptless_settlements
    rule_id, desc = "receipt.none", "No receipt"
    if rule is not None:
        verdict, allowed = rule.receiptless, rule.settlements or allowed
        rule_id, desc = f"receipt.rule.{rule.id}", rule.description or "No receipt"
    if verdict is _DENY:
        reason = "Returns without a receipt are not accepted."
        if rule is not None:
            reason = f"{rule.description or 'These items'}: not accepted without a receipt."
        tally.note(rule_id, desc, True, reason, _DENY)
        return
    reason = (
        f"Without a receipt: {settlement_words(allowed)} only, at the "
        f"lowest price of the last {rules.lowest_price_days} days."
    )
    if rule is not None and rule.up_to is not None:
        reason += f" (items up to {format_money(rule.up_to)})"
    if verdict is _NEEDS_OVERRIDE:
        reason += " A manager must approve."
    tally.note(rule_id, desc, True, reason, verdict, allowed)
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
        tally.note("receipt.limit", "Receiptless limit", over, reason,
                   rules.over_limit if over else _ACCEPT)  # fmt: skip


_NONE, _GIFT, _YES = ReceiptKind.NONE, ReceiptKind.GIFT, ReceiptKind.YES


def receipt_kind(case: ReturnCase) -> ReceiptKind:
    if not case.has_receipt or case.receipt is None:
        return _NONE
    return _GIFT if case.receipt.gift_receipt else _YES


def check_id(case: ReturnCase, checks: Sequence[IdCheck], amount: Decimal, tally: Tally) -> None:
    """`[[id_check]]` rules: photo ID for these returns, from an amount, even with a receipt."""
    kind = receipt_kind(case)
    for rule in checks:
        if kind not in rule.receipts or amount < rule.from_amount:
            continue
        rid, desc = f"id_check.{rule.id}", rule.description or "Photo ID"
        if case.id_checked:
            tally.note(rid, desc, False, "Photo ID checked.")
        else:
            args = (amount, rule.from_amount)
            tally.note(rid, desc, True, reasons.id_needed, rule.without_id, args=args)
