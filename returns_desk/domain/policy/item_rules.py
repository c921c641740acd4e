"""Tables about the item: final sale, conditions, fees, settlements, clearance, promotions."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PlainValidator, model_validator

from returns_desk.domain.policy.fields import (
    DayNumber,
    FieldProblem,
    Flag,
    Kind,
    Money,
    Percent,
    Words,
    choice_of,
    choices_of,
)
from returns_desk.domain.policy.sections import (
    ReclaimChoice,
    Rule,
    Section,
    Settlements,
    TierBasisChoice,
    VerdictChoice,
)
from returns_desk.domain.policy.terms import (
    Bundle,
    Condition,
    ExchangeFor,
    Reclaim,
    Verdict,
)


class FinalSaleRule(Rule):
    """`[[final_sale]]`: items that cannot come back. Several rules may sit side by side:
    always final (gift cards), final once opened (``conditions = ["opened"]``), final where
    local law forbids returns (``regions``). A line the till marked final sale is final too.
    """

    allow_defective: Flag = Field(default=False, description="defective ones may still come back")


class Conditions(Section):
    """`[conditions]`: what each state of the item gets."""

    unopened: VerdictChoice = Field(
        default=Verdict.ACCEPT, description="unopened, in its packaging"
    )
    opened: VerdictChoice = Field(default=Verdict.ACCEPT, description="opened or used")
    defective: VerdictChoice = Field(default=Verdict.ACCEPT, description="does not work")
    damaged: VerdictChoice = Field(default=Verdict.DENY, description="damaged after purchase")
    missing_parts: VerdictChoice = Field(
        default=Verdict.ACCEPT, description="parts or labels missing"
    )


class RestockingFee(Rule):
    """`[[restocking_fee]]`: a fee on opened items: a percent of the pre-tax price paid, or
    an amount per unit. The first matching rule applies; a fee is never more than the refund.
    """

    conditions: Annotated[
        frozenset[Condition], PlainValidator(choices_of(Condition)), Kind("list of conditions")
    ] = Field(
        default=frozenset({Condition.OPENED, Condition.MISSING_PARTS}),
        description="conditions charged",
    )
    percent: Percent | None = Field(default=None, description="of the pre-tax price paid")
    amount: Money | None = Field(default=None, description="per unit")
    waived_regions: Words = Field(
        default=frozenset(), description="store regions where it is waived"
    )
    waived_tiers: Words = Field(default=frozenset(), description="loyalty tiers it is waived for")
    tier_basis: TierBasisChoice = Field(default=None, description="which tier the waiver reads")

    @model_validator(mode="after")
    def _one_charge(self) -> RestockingFee:
        if (self.percent is None) == (self.amount is None):
            raise FieldProblem(None, "give either percent or amount")
        return self


class SettlementRule(Rule):
    """`[[settlement]]`: the settlements some items allow, maybe only in a time band.

    Each matching rule narrows the settlements; none widens them. ``from_day`` and
    ``until_day`` count days like the window (day 1 is the first day), so a beauty chain can
    say: refund until day 30, then store credit until day 60. ``exchange = "identical"``:
    an exchange only for the identical item (opened games, mattresses ...).
    """

    settlements: Settlements = Field(description="what these items may be settled as")
    exchange: Annotated[
        ExchangeFor, PlainValidator(choice_of(ExchangeFor)), Kind('"any" or "identical"')
    ] = Field(default=ExchangeFor.ANY, description="what an exchange may be for")
    from_day: DayNumber | None = Field(
        default=None, description="from this day of the window on", examples=[31]
    )
    until_day: DayNumber | None = Field(
        default=None, description="up to this day (included)", examples=[60]
    )

    @model_validator(mode="after")
    def _band_in_order(self) -> SettlementRule:
        if self.from_day and self.until_day and self.until_day < self.from_day:
            raise FieldProblem("until_day", "is before from_day")
        return self


class Clearance(Rule):
    """`[[clearance]]`: items refunded at today's price when it is lower than what was paid
    (before tax; tax at the rate charged), even with a receipt."""


class Promotions(Section):
    """`[promotions]`: what a return takes back of promotions and rewards.

    Whatever comes off is named on the decision; a refund is never below zero, and the
    refund plus what came off is exactly what the units cost.
    """

    free_item_kept: ReclaimChoice = Field(
        default=Reclaim.IGNORE,
        description="`deduct`: returning a bought line while keeping the free item its "
        "promotion gave (journal `promo_of`) takes the free item's shelf price off",
    )
    broken_bundle: Annotated[
        Bundle,
        PlainValidator(choice_of(Bundle)),
        Kind('"deduct", "ignore", "needs_override" or "deny"'),
    ] = Field(
        default=Bundle.IGNORE,
        description="returning part of a bundle: `deduct` takes the bundle discount of the "
        "items kept off the refund; `needs_override` or `deny` the return",
    )
    rewards_spent: ReclaimChoice = Field(
        default=Reclaim.IGNORE,
        description="`deduct`: reward currency earned on the purchase and already spent "
        "comes off, in proportion to what comes back",
    )
    reverse_points: Flag = Field(
        default=False,
        description="loyalty points earned on the purchase are reversed in proportion",
    )
