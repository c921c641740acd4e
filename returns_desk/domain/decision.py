"""What the policy engine answers: an outcome, what may be paid back, and why.

A decision carries every rule it evaluated so a clerk can read the reasons to the customer
and an auditor can see which policy version said so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one returned line (one quantity of one sale line)."""

    outcome: Outcome
    settlements: frozenset[Settlement]
    refund_amount: Decimal
    restocking_fee: Decimal
    window_ends: date | None
    rules: tuple[RuleTrace, ...]
    policy_name: str
    policy_version: str
    qty: int = 1
    tender_split: tuple[tuple[Tender, Decimal], ...] = ()
    voucher_amount: Decimal = ZERO
    override_by: str | None = None

    @property
    def approved(self) -> bool:
        return self.outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_OVERRIDE)

    @property
    def reasons(self) -> list[str]:
        """The lines a clerk reads out: what stands in the way first, in the order checked.

        A denied return lists only what denies it; otherwise every rule that applied follows.
        """
        blocking = [r.reason for r in self.rules if r.matched and r.effect is not Verdict.ACCEPT]
        if self.outcome is Outcome.DENY:
            return [r.reason for r in self.rules if r.matched and r.effect is Verdict.DENY]
        rest = [r.reason for r in self.rules if r.matched and r.effect is Verdict.ACCEPT]
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
            "override_by": self.override_by,
            "policy_name": self.policy_name,
            "policy_version": self.policy_version,
            "reasons": self.reasons,
            "rules": [rule.to_dict() for rule in self.rules],
        }
