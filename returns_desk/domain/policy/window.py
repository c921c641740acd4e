"""Return windows: which rule sets the days for a line, and the last day it may come back.

The rule choice depends only on the kind of line (see :class:`~.scope.LineKind`) and the
customer's tiers, so it is worked out once per combination and cached on the policy; only
the dates are computed per return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from returns_desk.domain.decision import RuleTrace, Trace, Verdict
from returns_desk.domain.policy import reasons
from returns_desk.domain.policy.model import Extension, HolidayWindow, Policy, WindowRule
from returns_desk.domain.policy.scope import LineKind
from returns_desk.domain.policy.terms import CountFrom, DayCounting, TierBasis

# Enum members as module constants: class attribute lookup on an enum is slow.
_DELIVERY = CountFrom.DELIVERY
_INCLUSIVE = DayCounting.INCLUSIVE
_ACCEPT = Verdict.ACCEPT


@dataclass(frozen=True, slots=True)
class Tiers:
    """The customer's tier told at the counter (``now``) and on the receipt (``then``)."""

    now: str | None
    then: str | None

    def holds(self, tiers: frozenset[str], basis: TierBasis) -> bool:
        """Whether the tier the rule reads is one of ``tiers``."""
        if basis is TierBasis.PURCHASE:
            return self.then in tiers
        if basis is TierBasis.EITHER:
            return self.now in tiers or self.then in tiers
        return (self.now or self.then) in tiers

    def missing(self, tiers: frozenset[str], basis: TierBasis) -> str:
        names = " or ".join(sorted(tiers))
        if basis is TierBasis.PURCHASE:
            return f"The receipt does not show a {names} membership at purchase."
        return f"The customer is not a {names} member."


@dataclass(frozen=True, slots=True)
class HolidayPlan:
    """A holiday window that covers this kind of line, with its two possible traces."""

    rule: HolidayWindow
    by_delivery: bool  # the received day, not the purchase day, must be in the period
    inside: RuleTrace
    outside: RuleTrace


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """The days a line gets (None: no limit), and the words that explain them."""

    rule_id: str
    days: int | None
    wording: str
    holidays: tuple[HolidayPlan, ...]
    static_traces: tuple[RuleTrace, ...]
    offset: timedelta | None  # start + offset = last day
    from_delivery: bool  # the window starts at delivery for lines that were delivered


def _longest(rules: list[WindowRule]) -> WindowRule:
    """The rule with the most days; a rule without a limit beats any number."""
    return max(rules, key=lambda r: (r.days is None, r.days or 0))


def _choose(policy: Policy, kind: LineKind) -> tuple[str, int | None, str, bool]:
    """(rule id, days, wording, extendable) for a line: the highest priority wins, then
    the longest."""
    matching = [r for r in policy.windows.rules if r.matches(kind)]
    top = max((r.priority for r in matching), default=0)
    pool = [r for r in matching if r.priority == top]
    if not pool:
        days = policy.windows.default_days
        return "window.default", days, "Standard return window", True
    rule = _longest(pool)
    wording = rule.description or f"Return window for {rule.id}"
    return f"window.{rule.id}", rule.days, wording, rule.extendable


def _extended(ext: Extension, days: int | None) -> int | None:
    """The window with this extension: more days, or the whole window it names."""
    if days is None:
        return None
    if ext.extra_days is not None:
        return days + ext.extra_days
    return None if ext.days is None else max(days, ext.days)


def _who(ext: Extension) -> str:
    parts = []
    if ext.tiers:
        parts.append(f"{' or '.join(sorted(ext.tiers))} members")
    if ext.paid_with:
        parts.append(f"sales paid with {' or '.join(sorted(ext.paid_with))}")
    return " on ".join(parts)


def _extensions(
    policy: Policy, kind: LineKind, tiers: Tiers, days: int | None, traces: list[RuleTrace]
) -> tuple[int | None, str]:
    """The longest window any extension gives this line, and words for it ('' if none)."""
    best, words = days, ""
    for ext in policy.windows.extensions:
        rid, desc = f"extension.{ext.id}", ext.description or "Window extension"
        who = _who(ext)
        basis = ext.tier_basis or policy.head.tier_basis
        if ext.paid_with and ext.paid_with.isdisjoint(kind.paid_with):
            reason = f"Not paid with {' or '.join(sorted(ext.paid_with))}."
            traces.append(RuleTrace(rid, desc, False, reason))
            continue
        if not ext.matches(kind):
            reason = f"The {ext.id} extension covers {ext.describe()} only."
            traces.append(RuleTrace(rid, desc, False, reason))
            continue
        if ext.tiers and not tiers.holds(ext.tiers, basis):
            traces.append(RuleTrace(rid, desc, False, tiers.missing(ext.tiers, basis)))
            continue
        longer = _extended(ext, days)
        if ext.extra_days is not None:
            reason = f"{who.capitalize()} get {ext.extra_days} extra days."
            how = f"plus {ext.extra_days} days for {who}"
        else:
            shown = "no time limit" if ext.days is None else f"{ext.days} days"
            reason = f"{who.capitalize()} get {shown}."
            how = f"{shown} for {who}"
        traces.append(RuleTrace(rid, desc, True, reason))
        if days is not None and (longer is None or best is not None and longer > best):
            best, words = longer, how
    return best, words


def build_window_plan(policy: Policy, kind: LineKind, tiers: Tiers) -> WindowPlan:
    """The window rule, extensions and holidays that can apply to this kind of line."""
    rule_id, days, wording, extendable = _choose(policy, kind)
    traces: list[RuleTrace] = []
    if extendable:
        days, extended = _extensions(policy, kind, tiers, days, traces)
        if extended:
            wording += f", {extended}"
    elif policy.windows.extensions:
        reason = f"{wording}: the same window for everyone, no extension."
        traces.append(RuleTrace("extension", "Window extension", False, reason))
    holidays = []
    for hol in policy.windows.holidays:
        rid, desc = f"holiday.{hol.id}", _holiday_desc(hol)
        if not hol.matches(kind):
            reason = f"The holiday window covers {hol.describe()} only."
            traces.append(RuleTrace(rid, desc, False, reason))
            continue
        basis = hol.tier_basis or policy.head.tier_basis
        if hol.tiers and not tiers.holds(hol.tiers, basis):
            traces.append(RuleTrace(rid, desc, False, tiers.missing(hol.tiers, basis)))
            continue
        by_delivery = hol.count_from is _DELIVERY
        bought = "received" if by_delivery else "bought"
        inside = f"{bought.capitalize()} in the holiday period, so returnable until " \
                 f"{hol.returnable_until}."  # fmt: skip
        outside = f"Not {bought} between {hol.bought_from} and {hol.bought_until}."
        holidays.append(HolidayPlan(hol, by_delivery, RuleTrace(rid, desc, True, inside),
                                    RuleTrace(rid, desc, False, outside)))  # fmt: skip
    offset = None if days is None else last_day(policy, date(2000, 1, 1), days) - date(2000, 1, 1)
    delivery = policy.windows.count_from is _DELIVERY
    return WindowPlan(rule_id, days, wording, tuple(holidays), tuple(traces), offset, delivery)


def _holiday_desc(hol: HolidayWindow) -> str:
    return hol.description or (
        f"Bought {hol.bought_from.isoformat()} to {hol.bought_until.isoformat()}: "
        f"returnable until {hol.returnable_until.isoformat()}"
    )


def last_day(policy: Policy, start: date, days: int) -> date:
    """Inclusive: the start day is day 1. Exclusive: the day after the start is day 1."""
    if policy.windows.day_counting is _INCLUSIVE:
        return start + timedelta(days=days - 1)
    return start + timedelta(days=days)


def day_number(policy: Policy, start: date, today: date) -> int:
    """Which day of the window ``today`` is, counted as the window counts its days."""
    days = (today - start).days
    return days + 1 if policy.windows.day_counting is _INCLUSIVE else days


def evaluate(
    plan: WindowPlan, start: date, bought: date, received: date | None, traces: list[Trace]
) -> date | None:
    """The last day for this return (None: no limit), widened by a holiday window.

    ``start`` is the day the window counts from; ``received`` the day a delivered item
    was received (None if it was not delivered). Appends the window's traces to
    ``traces``; the window's words wait until read.
    """
    offset = plan.offset
    ends = None if offset is None else start + offset
    since = "delivery" if plan.from_delivery and received is not None else "purchase"
    args = (plan.wording, plan.days, since, start, ends)
    traces.append((plan.rule_id, "Return window", True, _ACCEPT, reasons.window, args))
    if plan.static_traces:
        traces.extend(plan.static_traces)
    for holiday in plan.holidays:
        hol = holiday.rule
        day = received if holiday.by_delivery and received is not None else bought
        if hol.bought_from <= day <= hol.bought_until:
            if ends is not None and hol.returnable_until > ends:
                ends = hol.returnable_until
            traces.append(holiday.inside)
        else:
            traces.append(holiday.outside)
    return ends
