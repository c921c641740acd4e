"""Return windows: which rule sets the days for a line, and the last day it may come back.

The rule choice depends only on the line's department, category, SKU, condition and the
customer's tier, so it is worked out once per combination and cached on the policy; only
the dates are computed per return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from returns_desk.domain.decision import RuleTrace, Trace, Verdict
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.model import (
    CountFrom,
    DayCounting,
    HolidayWindow,
    Policy,
    WindowRule,
)
from returns_desk.domain.receipt import Receipt, SoldLine

# Enum members as module constants: class attribute lookup on an enum is slow.
_DELIVERY = CountFrom.DELIVERY
_INCLUSIVE = DayCounting.INCLUSIVE
_ACCEPT = Verdict.ACCEPT

CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """The days a line gets (None: no limit), and the words that explain them."""

    rule_id: str
    days: int | None
    wording: str
    holidays: tuple[tuple[HolidayWindow, RuleTrace, RuleTrace], ...]  # rule, bought in, not
    static_traces: tuple[RuleTrace, ...]
    offset: timedelta | None  # start + offset = last day
    since: str  # "purchase" or "delivery"
    from_delivery: bool  # the window starts at delivery for lines that were delivered


def _longest(rules: list[WindowRule]) -> WindowRule:
    """The rule with the most days; a rule without a limit beats any number."""
    return max(rules, key=lambda r: (r.days is None, r.days or 0))


def _choose(policy: Policy, key: tuple[str, str, str, str]) -> tuple[str, int | None, str]:
    """(rule id, days, wording) for a line: the highest priority wins, then the longest."""
    matching = [r for r in policy.windows.rules if r.scope.matches(*key)]
    top = max((r.priority for r in matching), default=0)
    pool = [r for r in matching if r.priority == top]
    if not pool:
        days = policy.windows.default_days
        return "window.default", days, "Standard return window"
    rule = _longest(pool)
    return f"window.{rule.id}", rule.days, rule.description or f"Return window for {rule.id}"


def build_window_plan(
    policy: Policy, key: tuple[str, str, str, str], tier: str | None
) -> WindowPlan:
    """The window rule, tier extensions and holidays that can apply to this kind of line."""
    rule_id, days, wording = _choose(policy, key)
    traces: list[RuleTrace] = []
    for ext in policy.windows.tiers:
        applies = ext.tier == tier and ext.scope.matches(*key)
        if applies and days is not None:
            days += ext.extra_days
            wording += f", plus {ext.extra_days} days for {ext.tier} members"
        if applies:
            reason = f"{ext.tier.title()} members get {ext.extra_days} extra days."
        elif ext.tier != tier:
            reason = f"The customer is not a {ext.tier} member."
        else:
            reason = f"The {ext.tier} extension covers {ext.scope.describe()} only."
        traces.append(RuleTrace(f"tier.{ext.tier}", "Loyalty tier extension", applies, reason))
    holidays = []
    for hol in policy.windows.holidays:
        rid, desc = f"holiday.{hol.id}", _holiday_desc(hol)
        if hol.scope.matches(*key):
            inside = f"Bought in the holiday period, so returnable until {hol.returnable_until}."
            outside = f"Not bought between {hol.bought_from} and {hol.bought_until}."
            holidays.append(
                (hol, RuleTrace(rid, desc, True, inside), RuleTrace(rid, desc, False, outside))
            )
        else:
            reason = f"The holiday window covers {hol.scope.describe()} only."
            traces.append(RuleTrace(rid, desc, False, reason))
    offset = None if days is None else last_day(policy, date.min, days) - date.min
    delivery = policy.windows.count_from is _DELIVERY
    since = "delivery" if delivery else "purchase"
    return WindowPlan(
        rule_id, days, wording, tuple(holidays), tuple(traces), offset, since, delivery
    )


def _holiday_desc(hol: HolidayWindow) -> str:
    return hol.description or (
        f"Bought {hol.bought_from.isoformat()} to {hol.bought_until.isoformat()}: "
        f"returnable until {hol.returnable_until.isoformat()}"
    )


def start_date(policy: Policy, receipt: Receipt, line: SoldLine) -> date:
    """The day the window counts from: the sale, or the delivery if the policy says so."""
    if policy.windows.count_from is _DELIVERY and line.delivered_on is not None:
        return line.delivered_on
    return receipt.sold_at.date()


def last_day(policy: Policy, start: date, days: int) -> date:
    """Inclusive: the start day is day 1. Exclusive: the day after the start is day 1."""
    if policy.windows.day_counting is _INCLUSIVE:
        return start + timedelta(days=days - 1)
    return start + timedelta(days=days)


def evaluate(plan: WindowPlan, start: date, bought: date, traces: list[Trace]) -> date | None:
    """The last day for this return (None: no limit), widened by a holiday window.

    Appends the window's traces to ``traces``; the window's words wait until read.
    """
    offset = plan.offset
    ends = None if offset is None else start + offset
    args = (plan.wording, plan.days, plan.since, start, ends)
    traces.append((plan.rule_id, "Return window", True, _ACCEPT, reasons.window, args))
    if plan.static_traces:
        traces.extend(plan.static_traces)
    for hol, inside, outside in plan.holidays:
        if hol.bought_from <= bought <= hol.bought_until:
            if ends is not None and hol.returnable_until > ends:
                ends = hol.returnable_until
            traces.append(inside)
        else:
            traces.append(outside)
    return ends
