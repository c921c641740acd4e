"""Tables about time: return windows, extensions, holidays, and the defective warranty."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PlainValidator, model_validator

from returns_desk.domain.policy.fields import (
    Day,
    DayCount,
    Days,
    FieldProblem,
    Flag,
    Kind,
    Priority,
    Words,
    choice_of,
)
from returns_desk.domain.policy.sections import (
    ALL,
    CountFromChoice,
    LateChoice,
    Rule,
    Section,
    Settlements,
    TierBasisChoice,
    Warranty,
)
from returns_desk.domain.policy.terms import CountFrom, DayCounting, Settlement, Verdict


class WindowRule(Rule):
    """`[[windows.rule]]`: a return window for some items.

    Among matching rules only those of the highest priority count, and of those the
    longest wins: priority is how a shorter window (electronics) overrides a longer one.
    """

    days: Days = Field(description="the window", examples=[30, "unlimited"])
    priority: Priority = Field(default=0, description="higher wins over lower; ties: the longest")
    extendable: Flag = Field(
        default=True,
        description='`false`: extensions never lengthen this window ("90 days for everyone, '
        'members too")',
        examples=[False],
    )


class Extension(Rule):
    """`[[windows.extension]]`: a longer window for loyalty tiers or for sales paid a way.

    Give ``tiers``, ``paid_with`` or both (both must then hold). ``extra_days`` adds to the
    window; ``days`` is the whole window as the retailer publishes it ("members: 60 days").
    The extension that gives the latest day wins; it never shortens a window.
    """

    tiers: Words = Field(
        default=frozenset(), description="loyalty tiers that get it", examples=[["gold"]]
    )
    tier_basis: TierBasisChoice = Field(
        default=None, description="which tier it reads (default: `[policy] tier_basis`)"
    )
    extra_days: DayCount | None = Field(default=None, description="days added to the window")
    days: Days | None = Field(default=None, description="the whole window instead", examples=[60])

    @model_validator(mode="after")
    def _one_length(self) -> Extension:
        given = self.model_fields_set
        if ("extra_days" in given) == ("days" in given):
            raise FieldProblem(None, "give either extra_days or days")
        if not self.tiers and not self.paid_with:
            raise FieldProblem(None, "give tiers or paid_with: who gets the extension")
        return self


class HolidayWindow(Rule):
    """`[[windows.holiday]]`: bought (or received) between two dates, returnable until a date.

    It applies only when it is later than the item's usual window (with extensions):
    whichever is later wins. ``tiers`` limits it to loyalty tiers, so members can get a
    later holiday deadline than everyone else (write one holiday rule for each).
    """

    bought_from: Day = Field(description="first day of the period (included)")
    bought_until: Day = Field(description="last day of the period (included)")
    returnable_until: Day = Field(description="the holiday deadline")
    count_from: CountFromChoice = Field(
        default=CountFrom.PURCHASE,
        description="`delivery`: the day a delivered item was received must fall in the "
        "period (items not delivered use their purchase day)",
    )
    tiers: Words = Field(default=frozenset(), description="only these loyalty tiers get it")
    tier_basis: TierBasisChoice = Field(
        default=None, description="which tier it reads (default: `[policy] tier_basis`)"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> HolidayWindow:
        if self.bought_until < self.bought_from:
            raise FieldProblem("bought_until", "is before bought_from")
        if self.returnable_until < self.bought_until:
            raise FieldProblem("returnable_until", "is before bought_until")
        return self


class Windows(Section):
    """`[windows]`: how long items may come back, and how days are counted."""

    default_days: Days = Field(default=30, description="days for items no rule covers")
    count_from: CountFromChoice = Field(
        default=CountFrom.PURCHASE,
        description="`delivery`: count from the day a delivered item was received (items "
        "not delivered count from purchase)",
    )
    day_counting: Annotated[
        DayCounting, PlainValidator(choice_of(DayCounting)), Kind('"inclusive" or "exclusive"')
    ] = Field(
        default=DayCounting.INCLUSIVE,
        description="`inclusive`: the start day is day 1 (30 days from Mar 1 end Mar 30); "
        "`exclusive`: the day after is day 1 (they end Mar 31)",
    )
    late: LateChoice = Field(
        default=Verdict.DENY,
        description="a late return: `deny`, or `needs_override` (a manager may)",
    )
    rules: tuple[WindowRule, ...] = Field(default=(), alias="rule", description="[[windows.rule]]")
    extensions: tuple[Extension, ...] = Field(
        default=(), alias="extension", description="[[windows.extension]]"
    )
    holidays: tuple[HolidayWindow, ...] = Field(
        default=(), alias="holiday", description="[[windows.holiday]]"
    )


class Defective(Section):
    """`[defective]`: defective items, settled one way inside the window, maybe another
    under warranty after it."""

    warranty_days: Warranty = Field(
        default=0,
        description="defective items may still come back this long after the window "
        "starts (counted like the window)",
    )
    within_window: Settlements = Field(default=ALL, description="settlements inside the window")
    after_window: Settlements = Field(
        default=frozenset({Settlement.EXCHANGE}),
        description="settlements after the window, under warranty (and the most a manager "
        "can give past it)",
    )
