"""Rules about the item itself: final sale, the state it comes back in, fees, serials."""

from __future__ import annotations

from decimal import Decimal

from returns_desk.domain.decision import RuleTrace
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.model import FinalSaleRule, Policy, RestockingFee
from returns_desk.domain.policy.refund import line_net_refund, restocking_fee
from returns_desk.domain.policy.scope import LineKind
from returns_desk.domain.policy.tally import Tally
from returns_desk.domain.policy.terms import Condition, TierBasis, Verdict
from returns_desk.domain.policy.window import Tiers

# Enum members as module constants: class attribute lookup on an enum is slow.
_DEFECTIVE = Condition.DEFECTIVE
_DENY = Verdict.DENY
_ACCEPT = Verdict.ACCEPT

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


def final_sale_rule(policy: Policy, kind: LineKind) -> FinalSaleRule | None:
    """The first `[[final_sale]]` rule covering this kind of line (the line may also have
    been marked final sale by the till)."""
    return next((rule for rule in policy.final_sale if rule.matches(kind)), None)


def check_final_sale(case: ReturnCase, rule: FinalSaleRule | None, tally: Tally) -> None:
    """A final-sale line (marked so, or in a rule's scope) cannot come back.

    The engine calls this only for final-sale lines; others get :data:`NOT_FINAL`.
    """
    rid = f"final_sale.{rule.id}" if rule else "final_sale"
    desc = rule.description if rule and rule.description else "Final-sale items"
    if case.condition is _DEFECTIVE and rule is not None and rule.allow_defective:
        reason = "A final-sale item, but defective items may still come back."
        tally.note(rid, desc, True, reason)
        return
    reason = "This was a final-sale item and cannot be returned."
    if rule is not None and rule.regions:
        reason = f"A final-sale item in {case.region or 'this region'}: it cannot be returned."
    elif rule is not None and rule.conditions:
        words = " or ".join(sorted(c.value.replace("_", " ") for c in rule.conditions))
        reason = f"Final sale once {words}: it cannot be returned."
    tally.note(rid, desc, True, reason, _DENY)


def condition_trace(policy: Policy, cond: Condition) -> RuleTrace:
    """The state of the item: accepted, manager's call, or refused, as the policy lists."""
    verdict = policy.condition_verdict(cond)
    if verdict is _ACCEPT:
        reason = CONDITION_WORDS[(cond, verdict)]
    else:
        reason = VERDICT_WORDS[verdict].format(what=CONDITION_NOUNS[cond])
    return RuleTrace(f"condition.{cond.value}", "Item condition", True, reason, verdict)


def fee_rule(policy: Policy, kind: LineKind) -> RestockingFee | None:
    """The first restocking-fee rule covering this kind of line and condition."""
    return next((r for r in policy.restocking_fees if r.matches(kind)), None)


def fee_waiver(
    rule: RestockingFee, kind: LineKind, tiers: Tiers, basis: TierBasis, region: str = ""
) -> RuleTrace | None:
    """Why ``rule`` is waived for this kind of line and customer, or None if it is not."""
    rid, desc = f"restocking_fee.{rule.id}", rule.description or "Restocking fee"
    if kind.region and kind.region in rule.waived_regions:
        return RuleTrace(rid, desc, False, reasons.fee_waived_in(region or kind.region))
    basis = rule.tier_basis or basis
    if rule.waived_tiers and tiers.holds(rule.waived_tiers, basis):
        tier = tiers.then if basis is TierBasis.PURCHASE else (tiers.now or tiers.then)
        shown = tier if tier in rule.waived_tiers else " or ".join(sorted(rule.waived_tiers))
        return RuleTrace(rid, desc, False, reasons.fee_waived_for(shown))
    return None


def check_restocking(
    case: ReturnCase,
    rule: RestockingFee,
    net: Decimal | None,
    refund: Decimal,
    tally: Tally,
) -> Decimal:
    """The fee ``rule`` sets for this return (waivers are settled by the line's plan).

    ``net`` is the pre-tax price of the units; None means work it out from the sold line.
    Lines no rule covers get :data:`NO_FEE` from the engine (if the policy has fees).
    """
    if net is None:
        net = line_net_refund(case.line, case.qty, case.line.qty_returned)
    fee = restocking_fee(rule, net, case.qty, refund)
    args = (fee, rule.percent, case.condition)
    rid = f"restocking_fee.{rule.id}"
    tally.note(rid, rule.description or "Restocking fee", True, reasons.restocking_fee, args=args)
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
