"""What-if: decide the same lines under the policy in force and under a draft, and count
what changes (outcome, money) by kind, department and store, with example receipts.

Pure: the service streams the cases from the database; a benchmark feeds the same tally
from memory. Each line is decided on its own (the cash limit and tenders as they stand
for that line alone), which is what the counter's preview does too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from returns_desk.domain.decision import Decision, Outcome, Settlement
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.engine import decide
from returns_desk.domain.policy.model import Policy

_APPROVE, _NEEDS, _DENY = Outcome.APPROVE, Outcome.NEEDS_OVERRIDE, Outcome.DENY
_REFUND, _CREDIT, _EXCHANGE = Settlement.REFUND, Settlement.STORE_CREDIT, Settlement.EXCHANGE
OUTCOME_NAMES = {
    Outcome.APPROVE: "approve",
    Outcome.APPROVE_WITH_OVERRIDE: "approve",
    Outcome.NEEDS_OVERRIDE: "needs a manager",
    Outcome.DENY: "deny",
}
EXAMPLES_PER_KIND = 3


@dataclass
class Money:
    """Where the money of the replayed lines goes under one policy."""

    refunded: Decimal = ZERO  # back to the original payments
    cash: Decimal = ZERO  # of which in cash from the drawer
    store_credit: Decimal = ZERO  # vouchers (also cash over the limit)
    exchange: Decimal = ZERO  # only an exchange allowed
    fees: Decimal = ZERO  # restocking fees kept
    clawbacks: Decimal = ZERO  # kept back besides fees: free items, bundles, rewards spent
    points: int = 0  # loyalty points taken back
    waiting: Decimal = ZERO  # needs a manager first (counted above too)
    denied_lines: int = 0

    def add(self, decision: Decision, used: str | None) -> None:
        outcome = decision.outcome
        if outcome is _DENY:
            self.denied_lines += 1
            return
        amount = decision.refund_amount
        self.fees += decision.restocking_fee
        if decision.deductions:
            self.clawbacks += decision.deducted
        self.points += decision.points_reversed
        if outcome is _NEEDS:
            self.waiting += amount
        way = _way(decision.settlements, used)
        if way is _REFUND:
            voucher = decision.voucher_amount
            self.refunded += amount - voucher
            self.store_credit += voucher
            self.cash += decision.cash_amount
        elif way is _CREDIT:
            self.store_credit += amount
        elif way is _EXCHANGE:
            self.exchange += amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "refunded": str(self.refunded),
            "cash": str(self.cash),
            "store_credit": str(self.store_credit),
            "exchange": str(self.exchange),
            "fees": str(self.fees),
            "clawbacks": str(self.clawbacks),
            "points_reversed": self.points,
            "waiting_for_manager": str(self.waiting),
            "denied_lines": self.denied_lines,
        }


def _way(settlements: frozenset[Settlement], used: str | None) -> Settlement | None:
    """The settlement the line went (or would go) with: the one used, if still allowed,
    else a refund, store credit or exchange, in that order."""
    if used is not None:
        for way in settlements:
            if way.value == used:
                return way
    for way in (_REFUND, _CREDIT, _EXCHANGE):
        if way in settlements:
            return way
    return None


@dataclass(frozen=True, slots=True)
class LineInfo:
    """Where a replayed line comes from: for the report and to open it on the counter."""

    receipt_code: str
    line_no: int
    store_no: int
    department: str
    source: str  # returned | returnable
    settlement: str | None = None  # how it was settled, for returned lines


@dataclass(frozen=True, slots=True)
class ChangedLine:
    """One line decided differently under the draft."""

    info: LineInfo
    kind: str
    before: Decision
    after: Decision


@dataclass
class ReplayTally:
    """The running result: counts by kind of change, by department and store, money on
    each side, and the first few receipts of each kind."""

    lines: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    by_department: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    by_store: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    before: Money = field(default_factory=Money)
    after: Money = field(default_factory=Money)
    examples: defaultdict[str, list[LineInfo]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self, case: ReturnCase, today: date, current: Policy, draft: Policy, info: LineInfo
    ) -> ChangedLine | None:
        """Decide ``case`` under both policies; the change, if the draft decides otherwise."""
        before = decide(current, case, today)
        after = before if draft is current else decide(draft, case, today)
        self.lines[info.source] += 1
        self.before.add(before, info.settlement)
        self.after.add(after, info.settlement)
        kind = change_kind(before, after)
        if kind is None:
            return None
        self.kinds[kind] += 1
        self.by_department[info.department][kind] += 1
        self.by_store[info.store_no][kind] += 1
        shown = self.examples[kind]
        if len(shown) < EXAMPLES_PER_KIND:
            shown.append(info)
        return ChangedLine(info, kind, before, after)

    @property
    def changed(self) -> int:
        return sum(self.kinds.values())


def change_kind(before: Decision, after: Decision) -> str | None:
    """'approve → deny', 'approve: other terms' (same outcome, other money or ways to
    settle), or None when the draft decides the same."""
    if before.outcome is not after.outcome:
        return f"{OUTCOME_NAMES[before.outcome]} → {OUTCOME_NAMES[after.outcome]}"
    if before.outcome is _DENY:
        return None
    if (
        before.refund_amount != after.refund_amount
        or before.restocking_fee != after.restocking_fee
        or before.deductions != after.deductions
        or before.settlements != after.settlements
    ):
        return f"{OUTCOME_NAMES[before.outcome]}: other terms"
    return None


def window_horizon(policy: Policy) -> int | None:
    """How many days back a line can still be inside a window of ``policy`` (the longest
    window plus the largest tier extension); None when some window has no limit."""
    windows = policy.windows
    days: list[int | None] = [getattr(windows, "default_days", None)]
    days += [getattr(rule, "days", None) for rule in getattr(windows, "rules", ())]
    if any(d is None for d in days):
        return None
    extensions = (*getattr(windows, "extensions", ()), *getattr(windows, "tiers", ()))
    extra = max((getattr(t, "extra_days", 0) or 0 for t in extensions), default=0)
    whole = [getattr(t, "days", None) or 0 for t in extensions]  # "60 days", not "+45"
    known = [d for d in days if d is not None]
    return max(max(known) + extra, *whole) + 1


def holiday_start(policy: Policy, today: date) -> date | None:
    """The earliest purchase day a holiday window still covers today, if any."""
    starts = [
        h.bought_from
        for h in getattr(policy.windows, "holidays", ())
        if getattr(h, "returnable_until", date.min) >= today
    ]
    return min(starts, default=None)
