"""Which decided items a return may go ahead with, and how: the last word before money moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from returns_desk.domain.decision import Outcome, Settlement, settlement_words
from returns_desk.domain.draft import ReturnError
from returns_desk.domain.quote import LineQuote


def approved(
    quotes: Sequence[LineQuote], settlement: Settlement, manager: str | None, noun: str = "line"
) -> list[LineQuote]:
    """Refuse denied items, apply the manager's approval where the policy asks for one, and
    check every item allows the settlement. An approval nothing needed is refused too."""
    result = []
    for quote in quotes:
        decision = quote.decision
        where = f"{noun} {quote.line.line_no} ({quote.line.description})"
        if decision.outcome is Outcome.DENY:
            raise ReturnError(f"{where} is denied: {'; '.join(decision.reasons)}")
        if decision.outcome is Outcome.NEEDS_OVERRIDE:
            if manager is None:
                raise ReturnError(f"{where} needs a manager: {decision.reasons[0]}")
            decision = decision.overridden(manager)
        if settlement not in decision.settlements:
            ways = settlement_words(decision.settlements)
            raise ReturnError(f"{where} can be settled only as {ways}")
        result.append(replace(quote, decision=decision))
    if manager and not any(q.decision.override_by for q in result):
        raise ReturnError("nothing in this return needs a manager's approval")
    return result
