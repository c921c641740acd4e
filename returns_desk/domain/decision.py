"""What the policy engine answers: an outcome, what may be paid back, and why.

A decision carries every rule it evaluated so a clerk can read the reasons to the customer
and an auditor can see which policy version said so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from returns_desk.domain.money import ZERO, format_money

if TYPE_CHECKING:
    from returns_desk.domain.receipt import Tender


class Outcome(StrEnum):
    """The verdict. Only services set APPROVE_WITH_OVERRIDE, once a manager has approved."""

    APPROVE = "approve"
    APPROVE_WITH_OVERRIDE = "approve_with_override"
    NEEDS_OVERRIDE = "needs_override"
    DENY = "deny"


class Verdict(StrEnum):
    """What a rule does when it applies: let the return through, ask a manager, or refuse."""

    ACCEPT = "accept"
    NEEDS_OVERRIDE = "needs_override"
    DENY = "deny"


class Settlement(StrEnum):
    """How an approved return may be settled."""

    REFUND = "refund"
    EXCHANGE = "exchange"
    STORE_CREDIT = "store_credit"


ALL_SETTLEMENTS = frozenset(Settlement)
OUTCOME_WORDS = {
    Outcome.APPROVE: "Approved",
    Outcome.APPROVE_WITH_OVERRIDE: "Approved by a manager",
    Outcome.NEEDS_OVERRIDE: "Needs a manager",
    Outcome.DENY: "Denied",
}


@lru_cache(maxsize=64)
def settlement_words(settlements: frozenset[Settlement]) -> str:
    """'refund, exchange or store credit', always in that order."""
    names = [s.value.replace("_", " ") for s in Settlement if s in settlements]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


class RuleTrace(NamedTuple):
    """One rule the engine looked at: did it apply, and why, in words for the customer.

    A NamedTuple rather than a frozen dataclass: a decision makes several, and tuples are
    built twice as fast, which the 50,000 decisions a second target needs.
    """

    rule_id: str
    description: str
    matched: bool
    reason: str
    effect: Verdict = Verdict.ACCEPT

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "description": self.description,
            "matched": self.matched,
            "reason": self.reason,
            "effect": self.effect.value,
        }


# A rule not yet put into words: (rule_id, description, matched, effect, reason, args),
# where reason is the words, or a function that gives them from args. The engine records
# these and the words are built only when someone reads them.
PendingTrace = tuple[str, str, bool, Verdict, str | Callable[..., str], tuple[Any, ...]]
Trace = RuleTrace | PendingTrace
Split = tuple[tuple["Tender", Decimal], ...]


class Deduction(NamedTuple):
    """What the policy keeps back from a refund besides a restocking fee: a free item kept,
    a broken bundle's discount, reward currency spent, or the gap to a clearance price."""

    kind: str  # "free_item", "bundle", "rewards", "clearance"
    description: str
    amount: Decimal


class OtherPayment(NamedTuple):
    """The cash part of a refund paid another way than from the drawer (a large refund)."""

    method: str  # "cheque" or "bank_transfer"
    amount: Decimal


# How the money goes back, worked out only when asked: a function and its arguments
# that give (the split over the original payments, the voucher amount).
Payout = tuple[Callable[..., tuple[Split, Decimal]], tuple[Any, ...]]


def in_words(trace: Trace) -> RuleTrace:
    """The trace as a RuleTrace, its reason built now if it was left for later."""
    if isinstance(trace, RuleTrace):
        return trace
    rule_id, description, matched, effect, reason, args = trace
    if not isinstance(reason, str):
        reason = reason(*args)
    return RuleTrace(rule_id, description, matched, reason, effect)


@dataclass(slots=True)
class Decision:
    """The engine's answer for one returned line (one quantity of one sale line).

    ``rules``, ``tender_split`` and ``voucher_amount`` are worked out from ``traces`` and
    ``payout`` when first read: most decisions at a busy counter are shown as a headline
    only, and the reasons' words and the split cost more than the decision itself.
    """

    outcome: Outcome
    settlements: frozenset[Settlement]
    refund_amount: Decimal
    restocking_fee: Decimal
    window_ends: date | None
    policy_name: str
    policy_version: str
    qty: int = 1
    override_by: str | None = None
    traces: Sequence[Trace] = field(default=(), repr=False)
    payout: Payout | None = field(default=None, repr=False)
    deductions: tuple[Deduction, ...] = ()
    points_reversed: int = 0
    exchange_identical: bool = False  # an exchange only for the identical item
    paid_by: OtherPayment | None = None  # the split's cash part goes this way instead
    _rules: tuple[RuleTrace, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _paid: tuple[Split, Decimal] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def rules(self) -> tuple[RuleTrace, ...]:
        """Every rule the engine looked at, in the order checked, with its reason."""
        rules = self._rules
        if rules is None:
            rules = self._rules = tuple(map(in_words, self.traces))
        return rules

    @property
    def tender_split(self) -> Split:
        """The refund over the original payments (non-cash first, cash last); () if none."""
        return self._payout()[0]

    @property
    def voucher_amount(self) -> Decimal:
        """Cash above the policy's limit, paid as a voucher instead."""
        return self._payout()[1]

    def _payout(self) -> tuple[Split, Decimal]:
        paid = self._paid
        if paid is None:
            paid = (), ZERO
            if self.payout is not None:
                work, args = self.payout
                paid = work(*args)
            self._paid = paid
        return paid

    @property
    def deducted(self) -> Decimal:
        """All the deductions together (the restocking fee is apart)."""
        return sum((d.amount for d in self.deductions), ZERO)

    @property
    def cash_amount(self) -> Decimal:
        """What the drawer pays out: the split's cash part, unless it goes another way."""
        if self.paid_by is not None:
            return ZERO
        return sum((amt for tender, amt in self.tender_split if tender.kind == "cash"), ZERO)

    def payout_parts(self) -> list[tuple[str, Decimal]]:
        """Where the refund goes, part by part: each original payment (by kind), the cash
        part by cheque or transfer if so, and a voucher for cash over the limit."""
        parts = []
        for tender, amount in self.tender_split:
            kind = tender.kind.value
            if kind == "cash" and self.paid_by is not None:
                kind = self.paid_by.method
            parts.append((kind, amount))
        if self.voucher_amount:
            parts.append(("voucher", self.voucher_amount))
        return parts

    @property
    def approved(self) -> bool:
        return self.outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_OVERRIDE)

    @property
    def reasons(self) -> list[str]:
        """The lines a clerk reads out: what stands in the way first, in the order checked.

        A denied return lists only what denies it; otherwise every rule that applied follows.
        """
        rules = self.rules
        blocking = [r.reason for r in rules if r.matched and r.effect is not Verdict.ACCEPT]
        if self.outcome is Outcome.DENY:
            return [r.reason for r in rules if r.matched and r.effect is Verdict.DENY]
        rest = [r.reason for r in rules if r.matched and r.effect is Verdict.ACCEPT]
        return blocking + rest

    @property
    def headline(self) -> str:
        """One line summary: the outcome and what may be paid back."""
        words = OUTCOME_WORDS[self.outcome]
        if self.outcome is Outcome.DENY:
            return words
        ways = settlement_words(self.settlements)
        return f"{words}: {ways} of {format_money(self.refund_amount)}"

    def overridden(self, manager: str) -> Decision:
        """The same decision approved by a manager; only a manager-overridable deny can be."""
        if self.outcome is not Outcome.NEEDS_OVERRIDE:
            raise ValueError(f"a {self.outcome.value} decision cannot be overridden")
        return replace(self, outcome=Outcome.APPROVE_WITH_OVERRIDE, override_by=manager)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; amounts as strings so no precision is lost."""
        return {
            "outcome": self.outcome.value,
            "settlements": sorted(s.value for s in self.settlements),
            "refund_amount": str(self.refund_amount),
            "restocking_fee": str(self.restocking_fee),
            "window_ends": self.window_ends.isoformat() if self.window_ends else None,
            "qty": self.qty,
            "tender_split": [
                {"kind": tender.kind.value, "card_last4": tender.card_last4, "amount": str(amt)}
                for tender, amt in self.tender_split
            ],
            "voucher_amount": str(self.voucher_amount),
            "paid_by": (
                {"method": self.paid_by.method, "amount": str(self.paid_by.amount)}
                if self.paid_by
                else None
            ),
            "deductions": [
                {"kind": d.kind, "description": d.description, "amount": str(d.amount)}
                for d in self.deductions
            ],
            "points_reversed": self.points_reversed,
            "exchange": "identical" if self.exchange_identical else "any",
            "override_by": self.override_by,
            "policy_name": self.policy_name,
            "policy_version": self.policy_version,
            "reasons": self.reasons,
            "rules": [rule.to_dict() for rule in self.rules],
        }
