"""`[[example]]`: a return described by its facts, and what the policy must answer.

The facts are those of :class:`~.facts.ReturnFacts`; the ``expect_*`` keys say what the
policy must decide, down to the payout part by part. ``policy check`` compares them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, PlainValidator

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.policy.facts import Fact, ReturnFacts
from returns_desk.domain.policy.fields import (
    Count,
    Day,
    Kind,
    Money,
    Name,
    Text,
    choice_of,
    choices_of,
)
from returns_desk.domain.policy.terms import ExchangeFor

PAYOUT_KINDS = ("cash", "card", "gift_card", "store_credit", "voucher", "cheque", "bank_transfer")


class PayoutFact(Fact):
    """One part of what the customer gets back: a payment, a voucher or a cheque."""

    kind: Annotated[
        str,
        PlainValidator(lambda v: _payout_kind(v)),
        Kind(", ".join(f'"{k}"' for k in PAYOUT_KINDS)),
    ] = Field(description="where this part goes", examples=["voucher"])
    amount: Money = Field(description="how much", examples=["50.00"])


def _payout_kind(value: object) -> str:
    if value not in PAYOUT_KINDS:
        allowed = ", ".join(f'"{k}"' for k in PAYOUT_KINDS)
        raise ValueError(f"expected one of {allowed}, got {value!r}")
    return str(value)


class Example(ReturnFacts):
    """`[[example]]`: a return described by its facts, and what the policy must answer.

    ``policy check`` decides every example and fails if any answer differs.
    """

    name: Name = Field(
        description="what the example shows", examples=["Opened camera on day 10: 15% fee"]
    )
    expect: Annotated[
        Outcome, PlainValidator(choice_of(Outcome)), Kind('"approve", "needs_override" or "deny"')
    ] = Field(description="the outcome", examples=["approve"])
    expect_refund: Money | None = Field(
        default=None, description="the refund (after fees and deductions)"
    )
    expect_fee: Money | None = Field(default=None, description="the restocking fee")
    expect_settlements: Annotated[
        frozenset[Settlement] | None,
        PlainValidator(choices_of(Settlement)),
        Kind("list of settlements"),
    ] = Field(
        default=None,
        description="exactly the settlements offered",
        examples=[["exchange", "store_credit"]],
    )
    expect_not_offered: Annotated[
        frozenset[Settlement], PlainValidator(choices_of(Settlement)), Kind("list of settlements")
    ] = Field(
        default=frozenset(),
        description="settlements that must not be offered",
        examples=[["refund"]],
    )
    expect_window_ends: Day | None = Field(default=None, description="the window's last day")
    expect_reason: Text | None = Field(
        default=None,
        description="words one of the reasons contains",
        examples=["closed on 2026-03-30"],
    )
    expect_cash: Money | None = Field(default=None, description="the cash part of the payout")
    expect_voucher: Money | None = Field(default=None, description="the voucher part of the payout")
    expect_payout: tuple[PayoutFact, ...] | None = Field(
        default=None,
        description="the whole payout, part by part, in order: e.g. "
        '`[{ kind = "card", amount = "100.00" }, { kind = "voucher", amount = "50.00" }]`',
        examples=[[{"kind": "card", "amount": "100.00"}, {"kind": "voucher", "amount": "50.00"}]],
    )
    expect_deducted: Money | None = Field(
        default=None, description="what came off for promotions, rewards or clearance, in all"
    )
    expect_points_reversed: Count | None = Field(
        default=None, description="loyalty points reversed"
    )
    expect_exchange: Annotated[
        ExchangeFor | None, PlainValidator(choice_of(ExchangeFor)), Kind('"any" or "identical"')
    ] = Field(default=None, description="what an exchange may be for", examples=["identical"])

    if TYPE_CHECKING:  # set by the loader: the example's line in the file, not a key
        line: int

    def model_post_init(self, context: Any, /) -> None:
        object.__setattr__(self, "line", 0)
