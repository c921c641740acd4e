"""Everything about a return that depends only on the kind of line, worked out once.

Department, category, SKU, condition and tier decide the window rule, final sale, the
condition's verdict and the restocking-fee rule; a counter sees the same few thousand
combinations all day, so each is built on first sight and cached on the policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from returns_desk.domain.decision import RuleTrace
from returns_desk.domain.policy.conditions import condition_trace, fee_rule, in_final_sale_scope
from returns_desk.domain.policy.model import Condition, Policy, RestockingFee
from returns_desk.domain.policy.window import WindowPlan, build_window_plan
from returns_desk.domain.receipt import SoldLine

CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class LinePlan:
    """The rules that apply to one kind of line in one condition for one tier."""

    window: WindowPlan
    final_sale: bool
    condition: RuleTrace
    fee: RestockingFee | None


def line_plan(policy: Policy, line: SoldLine, cond: Condition, tier: str | None) -> LinePlan:
    """The cached plan; keyed on the raw values so a hit costs one dictionary lookup."""
    cache_key = (line.department, line.category, line.sku, cond, tier)
    plan = policy.cache.get(cache_key)
    if plan is None:
        key = (line.department.lower(), line.category.lower(), line.sku.lower(), str(cond))
        plan = LinePlan(
            window=build_window_plan(policy, key, tier),
            final_sale=in_final_sale_scope(policy, key),
            condition=condition_trace(policy, cond),
            fee=fee_rule(policy, key),
        )
        if len(policy.cache) > CACHE_LIMIT:
            policy.cache.clear()
        policy.cache[cache_key] = plan
    return plan
