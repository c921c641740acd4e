"""The money a replay reports under each policy: refunds, cash, store credit, fees, and what
the policy keeps back besides fees (free items, bundles, rewards) with the points taken back."""

from __future__ import annotations

from decimal import Decimal as D

from returns_desk.domain.decision import Decision, Deduction, Outcome, Settlement
from returns_desk.domain.policy.replay import Money, change_kind


def decision(outcome=Outcome.APPROVE, refund="40.00", fee="0.00", deductions=(), points=0):
    return Decision(
        outcome, frozenset({Settlement.REFUND, Settlement.STORE_CREDIT}), D(refund), D(fee),
        None, "p", "1", deductions=tuple(deductions), points_reversed=points,
    )  # fmt: skip


BUNDLE = Deduction("bundle", "bundle discount no longer earned", D("7.50"))
FREE = Deduction("free_item", "the free item kept", D("5.00"))


def test_fees_and_clawbacks_are_counted_apart_from_the_refund():
    money = Money()
    money.add(decision(refund="40.00", fee="4.00", deductions=[BUNDLE, FREE], points=120), None)
    money.add(decision(Outcome.DENY, deductions=[BUNDLE]), None)  # denied: nothing paid back
    money.add(decision(refund="10.00"), "store_credit")
    assert (money.refunded, money.store_credit) == (D("40.00"), D("10.00"))
    assert (money.fees, money.clawbacks, money.points) == (D("4.00"), D("12.50"), 120)
    assert money.denied_lines == 1
    assert money.to_dict()["clawbacks"] == "12.50" and money.to_dict()["points_reversed"] == 120


def test_a_draft_that_only_keeps_back_more_is_a_change_of_terms():
    assert change_kind(decision(), decision(deductions=[BUNDLE])) == "approve: other terms"
    assert change_kind(decision(deductions=[BUNDLE]), decision(deductions=[BUNDLE])) is None
