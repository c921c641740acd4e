"""Everything about a return that depends only on the kind of line, worked out once.

The kind of line (department, category, SKU, brand, attributes, condition), the store's
region, the customer's tiers and how the sale was paid decide the window, final sale, the
condition's verdict, fees and their waivers, settlement rules, clearance, receiptless and
ID rules. A counter sees the same few thousand combinations all day, so each is built on
first sight and cached on the policy; only dates and amounts are worked out per return.
"""

from __future__ import annotations

from dataclasses import dataclass

from returns_desk.domain.decision import RuleTrace, Settlement, settlement_words
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.conditions import (
    condition_trace,
    fee_rule,
    fee_waiver,
    final_sale_rule,
)
from returns_desk.domain.policy.model import (
    Clearance,
    FinalSaleRule,
    IdCheck,
    Policy,
    ReceiptRule,
    RestockingFee,
    SettlementRule,
)
from returns_desk.domain.policy.scope import LineKind, Scope
from returns_desk.domain.policy.terms import Condition, ExchangeFor
from returns_desk.domain.policy.window import Tiers, WindowPlan, build_window_plan
from returns_desk.domain.receipt import Receipt, attribute_map

CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class LinePlan:
    """The rules that apply to one kind of line in one condition for one customer."""

    window: WindowPlan
    final_sale: bool
    final_rule: FinalSaleRule | None
    condition: RuleTrace
    fee: RestockingFee | None
    fee_waived: RuleTrace | None
    settle_rules: tuple[tuple[RuleTrace, frozenset[Settlement]], ...]  # narrowing always
    band_rules: tuple[SettlementRule, ...]  # narrowing on some days of the window
    settle_allowed: frozenset[Settlement] | None  # what settle_rules leave, None: no rule
    identical: bool  # an exchange must be for the identical item (banded rules: per day)
    clearance: Clearance | None
    receipt_rules: tuple[ReceiptRule, ...]
    id_checks: tuple[IdCheck, ...]


def _reads_tenders(policy: Policy) -> bool:
    """Whether any rule reads how the sale was paid (else the engine skips the tenders)."""
    for entry in policy.rules():
        rule = entry.rule
        if isinstance(rule, Scope) and (
            rule.paid_with or (rule.except_ is not None and rule.except_.paid_with)
        ):
            return True
    return False


_PAID: dict[tuple[tuple[str, str | None], ...], frozenset[str]] = {}


def paid_with(receipt: Receipt | None) -> frozenset[str]:
    """The tender kinds and card brands of a receipt: what ``paid_with`` scopes match.

    Memoised by the (kind, brand) pairs: a counter sees a handful of combinations."""
    if receipt is None:
        return frozenset()
    key = tuple([(t.kind, t.card_brand) for t in receipt.tenders])
    found = _PAID.get(key)
    if found is None:
        names = {str(kind) for kind, _brand in key}
        names.update(brand.lower() for _kind, brand in key if brand)
        found = frozenset(names)
        if len(_PAID) < CACHE_LIMIT:
            _PAID[key] = found
    return found


def line_plan(policy: Policy, case: ReturnCase, cond: Condition) -> LinePlan:
    """The cached plan; keyed on the raw values so a hit costs one dictionary lookup."""
    line, receipt = case.line, case.receipt
    then = receipt.loyalty_tier if receipt is not None else None
    cache = policy.cache
    reads = policy.reads_tenders
    if reads is None:  # worked out on first use, kept on the policy
        reads = _reads_tenders(policy)
        object.__setattr__(policy, "reads_tenders", reads)
    paid = paid_with(receipt) if reads else None
    cache_key = (
        line.department, line.category, line.sku, cond, case.customer_tier, then,
        case.region, line.brand, line.attributes, paid,
    )  # fmt: skip
    plan = cache.get(cache_key)
    if plan is None:
        kind = LineKind(
            department=line.department.lower(),
            category=line.category.lower(),
            sku=line.sku.lower(),
            brand=(line.brand or "").lower(),
            condition=cond.value,
            region=(case.region or "").lower(),
            paid_with=paid or frozenset(),
            attributes=attribute_map(line.attributes),
        )
        tiers = Tiers((case.customer_tier or "").lower() or None, (then or "").lower() or None)
        plan = build_plan(policy, kind, tiers, cond, case.region or "")
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        cache[cache_key] = plan
    assert isinstance(plan, LinePlan)
    return plan


def settlement_trace(rule: SettlementRule) -> RuleTrace:
    """The words of a settlement rule that always applies to this kind of line."""
    reason = f"{rule.description or rule.describe().capitalize()}: " \
             f"{settlement_words(rule.settlements)} only."  # fmt: skip
    if rule.exchange is ExchangeFor.IDENTICAL:
        reason += " An exchange is for the identical item."
    return RuleTrace(f"settlement.{rule.id}", "Settlement", True, reason)


def build_plan(
    policy: Policy, kind: LineKind, tiers: Tiers, cond: Condition, region: str = ""
) -> LinePlan:
    """Match every rule of the policy against one kind of line and customer (``region``:
    the store's region as written, for the words)."""
    final_rule = final_sale_rule(policy, kind)
    fee = fee_rule(policy, kind)
    settle = [r for r in policy.settlement_rules if r.matches(kind)]
    fixed = tuple(r for r in settle if r.from_day is None and r.until_day is None)
    allowed = None
    for rule in fixed:
        allowed = rule.settlements if allowed is None else allowed & rule.settlements
    return LinePlan(
        window=build_window_plan(policy, kind, tiers),
        final_sale=final_rule is not None,
        final_rule=final_rule,
        condition=condition_trace(policy, cond),
        fee=fee,
        fee_waived=None
        if fee is None
        else fee_waiver(fee, kind, tiers, policy.head.tier_basis, region),
        settle_rules=tuple((settlement_trace(rule), rule.settlements) for rule in fixed),
        band_rules=tuple(r for r in settle if r not in fixed),
        settle_allowed=allowed,
        identical=any(r.exchange is ExchangeFor.IDENTICAL for r in fixed),
        clearance=next((r for r in policy.clearance if r.matches(kind)), None),
        receipt_rules=tuple(r for r in policy.receipt.rules if r.matches(kind)),
        id_checks=tuple(r for r in policy.id_checks if r.matches(kind)),
    )
