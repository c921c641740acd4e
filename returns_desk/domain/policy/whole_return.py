"""One return of several lines: decided line by line, sharing the tenders and the cash limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from returns_desk.domain.decision import Decision
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.engine import decide
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.refund import cash_in_split


def decide_return(
    policy: Policy,
    cases: Sequence[ReturnCase],
    today: date,
    tender_refunded: Sequence[Decimal] = (),
    cash_paid_today: Decimal = ZERO,
) -> list[Decision]:
    """Decide the lines of one return (one receipt) in order.

    ``tender_refunded`` is what each receipt tender got back before this return, and
    ``cash_paid_today`` the cash earlier returns on this receipt paid out today. Each line
    starts where the one before it left off: its refund narrows what the tenders can still
    take, and its cash counts toward the policy's cash limit, so the limit holds for the
    return as a whole. The cases' own ``tender_refunded`` and ``cash_paid_today`` are
    replaced by these running values.
    """
    decisions: list[Decision] = []
    if not cases:
        return decisions
    tenders = cases[0].receipt.tenders if cases[0].receipt is not None else ()
    running = [*tender_refunded, *[ZERO] * (len(tenders) - len(tender_refunded))]
    cash = cash_paid_today
    for case in cases:
        case = replace(case, tender_refunded=tuple(running), cash_paid_today=cash)
        decision = decide(policy, case, today)
        split = decision.tender_split
        for tender, part in split:
            index = next(i for i, t in enumerate(tenders) if t is tender)
            running[index] += part
        cash += cash_in_split(split)
        decisions.append(decision)
    return decisions
