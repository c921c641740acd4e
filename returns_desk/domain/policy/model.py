"""A store's return policy: the declared schema of a policy file, and the rules the engine reads.

One set of frozen models is both: the loader validates a TOML file into them (every key
typed and bounded, unknown keys refused), docs/policy-reference.md is generated from their
field descriptions, and the engine reads them. Rules sit in named lists (``windows.rules``,
``final_sale``, ``settlement_rules`` ...) with unique ids; :meth:`Policy.rules` walks them
all, rule by rule, for tools that compare two policies.

Matching values (departments, categories, SKUs, tiers, regions) are stored lower-case so
the engine compares plain strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

from returns_desk.domain.policy.facts import Example
from returns_desk.domain.policy.fields import (
    Day,
    DayCount,
    DayNumber,
    Days,
    FieldProblem,
    Flag,
    Kind,
    Money,
    Name,
    Percent,
    PositiveCount,
    Priority,
    RuleId,
    Text,
    Version,
    Words,
    choice_of,
    choices_of,
)
from returns_desk.domain.policy.scope import Scope
from returns_desk.domain.policy.terms import (
    Bundle,
    CashOverLimit,
    Condition,
    CountFrom,
    DayCounting,
    ExchangeFor,
    PayBy,
    ReceiptKind,
    Reclaim,
    Settlement,
    TierBasis,
    Verdict,
)

__all__ = [
    "Condition",
    "CountFrom",
    "DayCounting",
    "CashOverLimit",
    "Policy",
    "TierBasis",
    "Verdict",
]

FORMAT = 2  # the newest policy file format; files without `format` are format 1
ALL = frozenset(Settlement)


VerdictChoice = Annotated[
    Verdict, PlainValidator(choice_of(Verdict)), Kind('"accept", "needs_override" or "deny"')
]
LateChoice = Annotated[
    Verdict, PlainValidator(choice_of(Verdict)), Kind('"deny" or "needs_override"')
]
Settlements = Annotated[
    frozenset[Settlement],
    PlainValidator(choices_of(Settlement)),
    Kind('list of "refund", "exchange", "store_credit"'),
]
Receipts = Annotated[
    frozenset[ReceiptKind],
    PlainValidator(choices_of(ReceiptKind)),
    Kind('list of "yes", "gift", "none"'),
]
Warranty = Annotated[
    int | None,
    PlainValidator(lambda v: None if v == "unlimited" else _warranty(v)),
    Kind('days (0 to 36,500) or "unlimited"'),
]


def _warranty(value: object) -> int:
    from returns_desk.domain.policy.fields import MAX_DAYS, _whole

    return _whole(value, 0, MAX_DAYS)


class Section(BaseModel):
    """A table of a policy file: frozen, and any key not declared here is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Head(Section):
    """`[policy]`: what the policy is called and which version of it this is."""

    name: Name = Field(description="shown on every decision", examples=["Default store policy"])
    version: Version = Field(
        description="recorded on every decision; change it whenever the rules change",
        examples=["2026.11-1"],
    )
    description: Text = Field(default="", description="one line for people")
    format: Annotated[int, PlainValidator(lambda v: _format(v)), Kind("1 or 2")] = Field(
        default=1,
        description="the file format: 2 for this reference; a file without it is format 1 "
        "and is read as format 1 (`returns-desk policy migrate` rewrites it)",
        examples=[2],
    )
    tier_basis: Annotated[
        TierBasis, PlainValidator(choice_of(TierBasis)), Kind('"counter", "purchase" or "either"')
    ] = Field(
        default=TierBasis.COUNTER,
        description="which tier rules read unless they say otherwise: `counter` (the tier "
        "the customer holds today, told at the counter; the receipt's if none is told), "
        "`purchase` (the tier on the receipt, held when buying) or `either`",
    )


def _format(value: object) -> int:
    if value not in (1, 2) or isinstance(value, bool):
        raise ValueError(f"expected 1 or 2, got {value!r}")
    assert isinstance(value, int)
    return value


class Rule(Scope):
    """A rule with an id (unique in its list), its scope keys, and words for the clerk."""

    id: RuleId = Field(description="unique in its list; named in decisions and audits")
    description: Text = Field(default="", description="the words the clerk reads")


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

    tiers: Words = Field(default=frozenset(), description="loyalty tiers that get it", examples=[
        ["gold"]])  # fmt: skip
    tier_basis: Annotated[
        TierBasis | None,
        PlainValidator(choice_of(TierBasis)),
        Kind('"counter", "purchase" or "either"'),
    ] = Field(default=None, description="which tier it reads (default: `[policy] tier_basis`)")
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
    count_from: Annotated[
        CountFrom, PlainValidator(choice_of(CountFrom)), Kind('"purchase" or "delivery"')
    ] = Field(
        default=CountFrom.PURCHASE,
        description="`delivery`: the day a delivered item was received must fall in the "
        "period (items not delivered use their purchase day)",
    )
    tiers: Words = Field(default=frozenset(), description="only these loyalty tiers get it")
    tier_basis: Annotated[
        TierBasis | None,
        PlainValidator(choice_of(TierBasis)),
        Kind('"counter", "purchase" or "either"'),
    ] = Field(default=None, description="which tier it reads (default: `[policy] tier_basis`)")

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
    count_from: Annotated[
        CountFrom, PlainValidator(choice_of(CountFrom)), Kind('"purchase" or "delivery"')
    ] = Field(
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


class Defective(Section):
    """`[defective]`: defective items, settled one way inside the window, maybe another
    under warranty after it."""

    warranty_days: Warranty = Field(
        default=0, description="defective items may still come back this long after the window "
        "starts (counted like the window)"
    )  # fmt: skip
    within_window: Settlements = Field(default=ALL, description="settlements inside the window")
    after_window: Settlements = Field(
        default=frozenset({Settlement.EXCHANGE}),
        description="settlements after the window, under warranty (and the most a manager "
        "can give past it)",
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
    tier_basis: Annotated[
        TierBasis | None,
        PlainValidator(choice_of(TierBasis)),
        Kind('"counter", "purchase" or "either"'),
    ] = Field(default=None, description="which tier the waiver reads")

    @model_validator(mode="after")
    def _one_charge(self) -> RestockingFee:
        if (self.percent is None) == (self.amount is None):
            raise FieldProblem(None, "give either percent or amount")
        return self


class ReceiptRule(Rule):
    """`[[receipt.rule]]`: returns without a receipt, for some items or amounts.

    The first rule that matches the item (and its amount, if ``up_to`` is given) replaces
    ``receiptless`` and ``receiptless_settlements`` for it. The amount is the item's credit
    without a receipt: its lowest recent price, with tax, for the units returned.
    """

    up_to: Money | None = Field(default=None, description="only items credited at most this much")
    receiptless: VerdictChoice = Field(
        default=Verdict.ACCEPT, description="`accept`, `needs_override` or `deny`"
    )
    settlements: Settlements | None = Field(
        default=None, description="settlements allowed (default: `receiptless_settlements`)"
    )


class Receipt(Section):
    """`[receipt]`: gift receipts and returns without a receipt."""

    gift_receipt: Settlements = Field(
        default=frozenset({Settlement.STORE_CREDIT}), description="settlements for gift receipts"
    )
    receiptless: VerdictChoice = Field(
        default=Verdict.DENY,
        description="returns without a receipt: accept, needs_override or deny",
    )
    receiptless_settlements: Settlements = Field(
        default=frozenset({Settlement.STORE_CREDIT}), description="settlements without a receipt"
    )
    lowest_price_days: Annotated[int, PlainValidator(lambda v: _whole_days(v)), Kind("days")] = (
        Field(
            default=90,
            description="without a receipt, the item is credited at its lowest price in this "
            "many days (never more than today's)",
        )
    )
    id_required: Flag = Field(
        default=True, description="photo ID must be checked for a return without a receipt"
    )
    limit_count: PositiveCount | None = Field(
        default=None, description="returns without a receipt per customer per period"
    )
    limit_period_days: Annotated[int, PlainValidator(lambda v: _whole_days(v)), Kind("days")] = (
        Field(default=365, description="the period of that limit")
    )
    over_limit: LateChoice = Field(
        default=Verdict.DENY, description="past the limit: `deny` or `needs_override`"
    )
    rules: tuple[ReceiptRule, ...] = Field(default=(), alias="rule", description="[[receipt.rule]]")


def _whole_days(value: object) -> int:
    from returns_desk.domain.policy.fields import MAX_DAYS, _whole

    return _whole(value, 1, MAX_DAYS)


class IdCheck(Rule):
    """`[[id_check]]`: photo ID for some returns, even with a receipt, or from an amount.

    Without the ID checked, the return gets ``without_id``. (Returns without a receipt
    also follow `[receipt] id_required`.)
    """

    receipts: Receipts = Field(
        default=frozenset(ReceiptKind), description='which returns: `"yes"`, `"gift"`, `"none"`'
    )
    from_amount: Money = Field(
        default=Decimal("0.00"),
        description="refunds of at least this much (the line's refund)",
    )
    without_id: VerdictChoice = Field(
        default=Verdict.DENY, description="what a return without the ID checked gets"
    )


class Refund(Section):
    """`[refund]`: how money goes back."""

    settlements: Settlements = Field(
        default=ALL, description="settlements this store offers at all"
    )
    cash_limit: Money | None = Field(
        default=None,
        description="most cash one return pays out: all its lines together, counting "
        "earlier returns against the same receipt that store day",
    )
    over_cash_limit: Annotated[
        CashOverLimit,
        PlainValidator(choice_of(CashOverLimit)),
        Kind('"voucher" or "needs_override"'),
    ] = Field(
        default=CashOverLimit.VOUCHER,
        description="cash over the limit: as a `voucher` (store credit), or `needs_override`",
    )
    serial_mismatch: LateChoice = Field(
        default=Verdict.DENY, description="scanned serial differs from the one sold"
    )
    large_refund_above: Money | None = Field(
        default=None,
        description="a refund whose cash part (with cash already going back on the receipt "
        "today) is more than this is paid, cash part whole, by `large_refund_by` instead of "
        "from the drawer",
    )
    large_refund_by: Annotated[
        PayBy, PlainValidator(choice_of(PayBy)), Kind('"cheque" or "bank_transfer"')
    ] = Field(default=PayBy.CHEQUE, description="how a large refund is paid")


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

    free_item_kept: Annotated[
        Reclaim, PlainValidator(choice_of(Reclaim)), Kind('"deduct" or "ignore"')
    ] = Field(
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
    rewards_spent: Annotated[
        Reclaim, PlainValidator(choice_of(Reclaim)), Kind('"deduct" or "ignore"')
    ] = Field(
        default=Reclaim.IGNORE,
        description="`deduct`: reward currency earned on the purchase and already spent "
        "comes off, in proportion to what comes back",
    )
    reverse_points: Flag = Field(
        default=False,
        description="loyalty points earned on the purchase are reversed in proportion",
    )


class RuleEntry(NamedTuple):
    """One rule of a policy, as :meth:`Policy.rules` lists them: where it sits, its id."""

    section: str
    rule_id: str
    rule: BaseModel


class Policy(Section):
    """A whole store policy. Build it with ``load_policy``/``parse_policy``."""

    head: Head = Field(alias="policy", description="[policy]")
    windows: Windows = Field(default=Windows(), description="[windows]")
    final_sale: tuple[FinalSaleRule, ...] = Field(default=(), description="[[final_sale]]")
    conditions: Conditions = Field(default=Conditions(), description="[conditions]")
    defective: Defective = Field(default=Defective(), description="[defective]")
    restocking_fees: tuple[RestockingFee, ...] = Field(
        default=(), alias="restocking_fee", description="[[restocking_fee]]"
    )
    receipt: Receipt = Field(default=Receipt(), description="[receipt]")
    id_checks: tuple[IdCheck, ...] = Field(default=(), alias="id_check", description="[[id_check]]")
    refund: Refund = Field(default=Refund(), description="[refund]")
    settlement_rules: tuple[SettlementRule, ...] = Field(
        default=(), alias="settlement", description="[[settlement]]"
    )
    clearance: tuple[Clearance, ...] = Field(default=(), description="[[clearance]]")
    promotions: Promotions = Field(default=Promotions(), description="[promotions]")
    examples: tuple[Example, ...] = Field(default=(), alias="example", description="[[example]]")

    if TYPE_CHECKING:
        source: str
        cache: dict[Any, Any]

    def model_post_init(self, context: Any, /) -> None:
        # Not fields: where it was read from, and the engine's per-kind-of-line plans.
        object.__setattr__(self, "source", "<policy>")
        object.__setattr__(self, "cache", {})

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        """Rule ids appear in decisions and audits, so two rules of a list must differ."""
        for path, rules in self._rule_lists():
            seen: set[str] = set()
            for index, rule in enumerate(rules):
                if rule.id in seen:
                    raise FieldProblem((*path, index, "id"), f"duplicate id {rule.id!r}")
                seen.add(rule.id)
        return self

    def _rule_lists(self) -> Iterator[tuple[tuple[str, ...], tuple[Rule, ...]]]:
        yield ("windows", "rule"), self.windows.rules
        yield ("windows", "extension"), self.windows.extensions
        yield ("windows", "holiday"), self.windows.holidays
        yield ("final_sale",), self.final_sale
        yield ("restocking_fee",), self.restocking_fees
        yield ("receipt", "rule"), self.receipt.rules
        yield ("id_check",), self.id_checks
        yield ("settlement",), self.settlement_rules
        yield ("clearance",), self.clearance

    def rules(self) -> Iterator[RuleEntry]:
        """Every rule, section by section (``windows.rule``, ``final_sale`` ...), in file
        order, then the single tables (``conditions``, ``refund`` ...) as one rule each:
        what a diff of two policies compares, id by id."""
        for path, rules in self._rule_lists():
            for rule in rules:
                yield RuleEntry(".".join(path), rule.id, rule)
        for name in ("windows", "conditions", "defective", "receipt", "refund", "promotions"):
            section = getattr(self, name)
            yield RuleEntry(name, name, section)

    def with_changes(self, **changes: Any) -> Policy:
        """A copy with some fields replaced (by attribute name), with its own cache."""
        copy = self.model_copy(update=changes)
        object.__setattr__(copy, "source", self.source)
        object.__setattr__(copy, "cache", {})
        return copy

    @property
    def name(self) -> str:
        return self.head.name

    @property
    def version(self) -> str:
        return self.head.version

    @property
    def description(self) -> str:
        return self.head.description

    def condition_verdict(self, condition: Condition) -> Verdict:
        """What the `[conditions]` table says for ``condition``."""
        verdict: Verdict = getattr(self.conditions, condition.value)
        return verdict

    def describe_windows(self) -> list[str]:
        """The windows in words, one line each, for slips and screens: see
        :func:`returns_desk.domain.policy.summary.window_lines`."""
        from returns_desk.domain.policy.summary import window_lines

        return window_lines(self)
