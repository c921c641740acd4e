"""A policy's windows in words, one line each: for slip footers, screens and the README.

``window_lines(policy)`` is the public way to say how long things may come back: the
standard window, each window rule, extensions and holiday deadlines, in the order a
customer would ask about them. Each line is plain text, no markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from returns_desk.domain.policy.model import Extension, HolidayWindow, Policy, WindowRule


def _days(days: int | None) -> str:
    if days is None:
        return "any time"
    return "1 day" if days == 1 else f"{days} days"


def _since(policy: Policy) -> str:
    if policy.windows.count_from.value == "delivery":
        return " from delivery (purchase if not delivered)"
    return " from purchase"


def window_lines(policy: Policy, on: date | None = None) -> list[str]:
    """'Most items: 30 days from purchase.', 'Electronics: 15 days.', ... .

    ``on`` is the day the words are for (a slip's date): a holiday window whose deadline
    has passed by then is left out, as it no longer gives anyone more time. Without it,
    every holiday window is said.
    """
    since = "" if policy.windows.default_days is None else _since(policy)
    lines = [f"Most items: {_days(policy.windows.default_days)}{since}."]
    for rule in sorted(policy.windows.rules, key=lambda r: -r.priority):
        lines.append(_rule_line(rule))
    lines.extend(_extension_line(ext) for ext in policy.windows.extensions)
    holidays = policy.windows.holidays
    lines.extend(_holiday_line(hol) for hol in holidays if on is None or on <= hol.returnable_until)
    return lines


def _rule_line(rule: WindowRule) -> str:
    what = rule.description or rule.describe().capitalize()
    return f"{what}: {_days(rule.days)}."


def _extension_line(ext: Extension) -> str:
    who = []
    if ext.tiers:
        who.append(f"{' or '.join(sorted(t.title() for t in ext.tiers))} members")
    if ext.paid_with:
        who.append(f"paid with {' or '.join(sorted(ext.paid_with))}")
    scope = "" if ext.empty else f" ({ext.describe()})"
    length = f"{ext.extra_days} extra days" if ext.extra_days is not None else _days(ext.days)
    return f"{ext.description or ' '.join(who).capitalize()}{scope}: {length}."


def _holiday_line(hol: HolidayWindow) -> str:
    bought = "received" if hol.count_from.value == "delivery" else "bought"
    who = f" for {' or '.join(sorted(hol.tiers))} members" if hol.tiers else ""
    scope = "" if hol.empty else f" ({hol.describe()})"
    return (
        f"{bought.capitalize()} {_day(hol.bought_from, False)} to {_day(hol.bought_until)}"
        f"{scope}{who}: returnable until {_day(hol.returnable_until)}."
    )


def _day(day: date, year: bool = True) -> str:
    """'Nov 1, 2026' (strftime's day without a leading zero is not portable)."""
    return f"{day:%b} {day.day}" + (f", {day.year}" if year else "")
