"""What a policy promises customers, as plain facts: how long each kind of item may come back
(and for which loyalty tiers longer), holiday windows, final sale, returns without a receipt.

Slips print these. The days come from the engine's own window plan for an example line of
each rule, so what a slip says is what the counter decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from returns_desk.domain.decision import Settlement, Verdict
from returns_desk.domain.policy.model import Condition, Policy, Scope, WindowRule
from returns_desk.domain.policy.window import build_window_plan

Key = tuple[str, str, str, str]
COMMON = Condition.UNOPENED.value  # a rule that names no condition is read for unopened items


@dataclass(frozen=True, slots=True)
class WindowFact:
    """The days one kind of item gets; ``days`` None means no time limit.

    ``covers`` is empty for the store's standard window, else what the rule covers in words
    ("Electronics and entertainment"). ``by_tier`` lists tiers that get a different number.
    """

    covers: str
    days: int | None
    since: str  # "purchase" or "delivery"
    by_tier: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class HolidayFact:
    """Bought between two days (both included), returnable until a later one.

    ``description`` is the policy's own sentence for it, if it has one."""

    description: str
    covers: tuple[str, ...]
    bought_from: date
    bought_until: date
    returnable_until: date


@dataclass(frozen=True, slots=True)
class ReceiptlessFact:
    """Returns without a receipt: allowed at all, paid how, at which price, ID needed."""

    allowed: bool
    needs_manager: bool
    settlements: frozenset[Settlement]
    lowest_price_days: int
    id_required: bool


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    windows: tuple[WindowFact, ...]
    holidays: tuple[HolidayFact, ...]
    final_sale: tuple[str, ...]  # what is final sale, in words ("clearance", "gift cards")
    receiptless: ReceiptlessFact


def scope_words(scope: Scope) -> tuple[str, ...]:
    """The departments, categories and items a scope names, as words."""
    values = [*sorted(scope.departments), *sorted(scope.categories), *sorted(scope.skus)]
    return tuple(v.replace("_", " ").replace("-", " ") for v in values)


def _key(scope: Scope) -> Key:
    """An example line that this scope covers."""
    condition = min(c.value for c in scope.conditions) if scope.conditions else COMMON
    return (
        min(scope.departments, default=""),
        min(scope.categories, default=""),
        min(scope.skus, default=""),
        condition,
    )


def _window(policy: Policy, key: Key, covers: str) -> WindowFact:
    plan = build_window_plan(policy, key, None)
    tiers = dict.fromkeys(ext.tier for ext in policy.windows.tiers)
    by_tier = []
    for tier in tiers:
        days = build_window_plan(policy, key, tier).days
        if days != plan.days:
            by_tier.append((tier, days))
    return WindowFact(covers, plan.days, plan.since, tuple(by_tier))


def _rule_words(rule: WindowRule) -> str:
    return rule.description or ", ".join(scope_words(rule.scope)).capitalize()


def policy_facts(policy: Policy) -> PolicyFacts:
    """The facts of ``policy``: its standard window first, then one per window rule."""
    windows = [_window(policy, ("", "", "", COMMON), "")]
    windows += [_window(policy, _key(r.scope), _rule_words(r)) for r in policy.windows.rules]
    holidays = tuple(
        HolidayFact(
            h.description,
            scope_words(h.scope),
            h.bought_from,
            h.bought_until,
            h.returnable_until,
        )
        for h in policy.windows.holidays
    )
    final = policy.final_sale.scope
    rules = policy.receipt
    receiptless = ReceiptlessFact(
        rules.receiptless is not Verdict.DENY,
        rules.receiptless is Verdict.NEEDS_OVERRIDE,
        rules.receiptless_settlements,
        rules.lowest_price_days,
        rules.id_required,
    )
    return PolicyFacts(tuple(windows), holidays, scope_words(final) if final else (), receiptless)
