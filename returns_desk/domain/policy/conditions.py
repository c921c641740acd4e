"""Rules about the item itself: final sale, the state it comes back in, fees, serials."""

from __future__ import annotations

from decimal import Decimal

from returns_desk.domain.decision import RuleTrace
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.model import Condition, Policy, RestockingFee, Verdict
from returns_desk.domain.policy.refund import line_net_refund, restocking_fee
from returns_desk.domain.policy.tally import Tally

# Enum members as module constants: class attribute lookup on an enum is slow.
_DEFECTIVE = Condition.DEFECTIVE
_DENY = Verdict.DENY
_ACCEPT = Verdict.ACCEPT

Key = tuple[str, str, str, str]

CONDITION_WORDS = {
    (
        Condition.UNOPENED,
        Verdict.ACCEPT,
    ): "Unopened items in their original packaging are accepted.",
    (Condition.OPENED, Verdict.ACCEPT): "Opened items are accepted.",
    (Condition.DEFECTIVE, Verdict.ACCEPT): "Defective items are accepted.",
    (Condition.MISSING_PARTS, Verdict.ACCEPT): "Items missing parts are accepted.",
    (Condition.DAMAGED, Verdict.ACCEPT): "Damaged items are accepted.",
}
VERDICT_WORDS = {
    Verdict.NEEDS_OVERRIDE: "{what} need a manager's approval.",
    Verdict.DENY: "{what} cannot be returned.",
}
CONDITION_NOUNS = {
    Condition.UNOPENED: "Unopened items",
    Condition.OPENED: "Opened items",
    Condition.DEFECTIVE: "Defective items",
    Condition.MISSING_PARTS: "Items missing parts",
    Condition.DAMAGED: "Items damaged after purchase",
}
SERIAL_OK = RuleTrace(
    "serial", "Serial number matches the sale", False, "The serial number matches the one sold."
)
NOT_FINAL = RuleTrace("final_sale", "Final-sale items", False, "Not a final-sale item.")
NO_FEE = RuleTrace(
    "restocking_fee",
    "Restocking fee",
    False,
    "No restocking fee for this item in this condition.",
)


def in_final_sale_scope(policy: Policy, key: Key) -> bool:
    """Whether the policy makes this kind of line final sale (the line may say so too)."""
    scope = policy.final_sale.scope
    return scope is not None and scope.matches(*key)


def check_final_sale(policy: Policy, case: ReturnCase, tally: Tally) -> None:
    """A final-sale line (marked so, or in the policy's scope) cannot come back.

    The engine calls this only for final-sale lines; others get :data:`NOT_FINAL`.
    """
    if case.condition is _DEFECTIVE and policy.final_sale.allow_defective:
        reason = "A final-sale item, but defective items may still come back."
        tally.note("final_sale", "Final-sale items", True, reason)
        return
    reason = "This was a final-sale item and cannot be returned."
    tally.note("final_sale", "Final-sale items", True, reason, _DENY)


def condition_trace(policy: Policy, cond: Condition) -> RuleTrace:
    """The state of the item: accepted, manager's call, or refused, as the policy lists."""
    verdict = policy.condition_verdict(cond)
    if verdict is _ACCEPT:
        reason = CONDITION_WORDS[(cond, verdict)]
    else:
        reason = VERDICT_WORDS[verdict].format(what=CONDITION_NOUNS[cond])
    return RuleTrace(f"condition.{cond.value}", "Item condition", True, reason, verdict)


def fee_rule(policy: Policy, key: Key) -> RestockingFee | None:
    """The first restocking-fee rule covering this kind of line and condition."""
    return next((r for r in policy.restocking_fees if r.scope.matches(*key)), None)


def check_restocking(
    case: ReturnCase,
    rule: RestockingFee,
    net: Decimal | None,
    refund: Decimal,
    tally: Tally,
) -> Decimal:
    """The fee ``rule`` sets for this return (ZERO if it is waived).

    ``net`` is the pre-tax price of the units; None means work it out from the sold line.
    Lines no rule covers get :data:`NO_FEE` from the engine (if the policy has fees).
    """
    rid = f"restocking_fee.{rule.id}"
    desc = rule.description or "Restocking fee"
    region = case.region
    if region and region.lower() in rule.waived_regions:
        tally.note(rid, desc, False, reasons.fee_waived_in, args=(region,))
        return ZERO
    tier = case.tier
    if tier and tier in rule.waived_tiers:
        tally.note(rid, desc, False, reasons.fee_waived_for, args=(tier,))
        return ZERO
    if net is None:
        net = line_net_refund(case.line, case.qty, case.line.qty_returned)
    fee = restocking_fee(rule, net, case.qty, refund)
    args = (fee, rule.percent, case.condition)
    tally.note(rid, desc, True, reasons.restocking_fee, args=args)
    return fee


def check_serial(policy: Policy, case: ReturnCase, tally: Tally) -> None:
    """A serialized item must be the very unit sold: the scanned serial must match."""
    line = case.line
    if not line.serialized or not line.serial or not case.has_receipt:
        return
    scanned = (case.serial_scanned or "").strip().upper()
    desc = "Serial number matches the sale"
    if scanned == line.serial.strip().upper():
        tally.traces.append(SERIAL_OK)
        return
    if not scanned:
        reason = "This item has a serial number; scan it to check it is the one sold."
    else:
        reason = "The serial number does not match the one on the receipt."
    tally.note("serial", desc, True, reason, policy.refund.serial_mismatch)
