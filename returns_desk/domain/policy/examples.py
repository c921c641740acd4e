"""Worked examples inside a policy file: cases it must decide as written.

They document the policy for managers and are run by ``returns-desk policy check``, so a
policy that no longer decides its own examples cannot be installed by mistake. The facts
an example gives are those of :class:`~.facts.ReturnFacts`, also the options of
``policy decide``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from returns_desk.domain.decision import Decision, Settlement
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.expectations import Example
from returns_desk.domain.policy.facts import ReturnFacts
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.toml_reader import PolicyError, problems_from


def build_case(data: dict[str, Any], source: str = "command line") -> tuple[ReturnCase, date]:
    """A case from plain values (the CLI's options); PolicyError names every bad key."""
    try:
        facts = ReturnFacts.model_validate(data)
    except ValidationError as exc:
        raise PolicyError.of(problems_from(exc, ReturnFacts, source, {})) from None
    return facts.to_case()


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """An example and what the policy decided; ``failures`` empty means it passed."""

    example: Example
    decision: Decision
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_examples(policy: Policy) -> list[ExampleResult]:
    """Decide every example of the policy and compare with what the file expects."""
    from returns_desk.domain.policy.engine import decide

    results = []
    for example in policy.examples:
        case, today = example.to_case()
        decision = decide(policy, case, today)
        results.append(ExampleResult(example, decision, compare(example, decision)))
    return results


def compare(example: Example, decision: Decision) -> list[str]:
    """Each difference between expected and decided, in words."""
    wanted: list[tuple[str, object, object]] = [("outcome", example.expect, decision.outcome)]
    if example.expect_refund is not None:
        wanted.append(("refund", example.expect_refund, decision.refund_amount))
    if example.expect_fee is not None:
        wanted.append(("restocking fee", example.expect_fee, decision.restocking_fee))
    if example.expect_settlements is not None:
        expected, got = _words(example.expect_settlements), _words(decision.settlements)
        wanted.append(("settlements", expected, got))
    if example.expect_window_ends is not None:
        wanted.append(("window ends", example.expect_window_ends, decision.window_ends))
    wanted += _payout_wanted(example, decision)
    failures = [f"{what}: expected {want}, got {got}" for what, want, got in wanted if want != got]
    offered = example.expect_not_offered & decision.settlements
    if offered:
        failures.append(f"settlements: {_words(offered)} offered, expected not")
    needle = example.expect_reason
    if needle and not any(needle.lower() in r.lower() for r in decision.reasons):
        failures.append(f"no reason mentions {needle!r}")
    return failures


def _payout_wanted(example: Example, decision: Decision) -> list[tuple[str, object, object]]:
    """The payout and promotion expectations an example gives."""
    wanted: list[tuple[str, object, object]] = []
    if example.expect_cash is not None:
        wanted.append(("cash", example.expect_cash, decision.cash_amount))
    if example.expect_voucher is not None:
        wanted.append(("voucher", example.expect_voucher, decision.voucher_amount))
    if example.expect_payout is not None:
        expected = _parts([(p.kind, p.amount) for p in example.expect_payout])
        wanted.append(("payout", expected, _parts(decision.payout_parts())))
    if example.expect_deducted is not None:
        wanted.append(("deducted", example.expect_deducted, decision.deducted))
    if example.expect_points_reversed is not None:
        points = decision.points_reversed
        wanted.append(("points reversed", example.expect_points_reversed, points))
    if example.expect_exchange is not None:
        got = "identical" if decision.exchange_identical else "any"
        wanted.append(("exchange", example.expect_exchange.value, got))
    return wanted


def _parts(parts: list[tuple[str, Decimal]]) -> str:
    return ", ".join(f"{kind} {amount}" for kind, amount in parts) or "nothing"


def _words(settlements: frozenset[Settlement]) -> str:
    return ", ".join(sorted(s.value for s in settlements)) or "none"
