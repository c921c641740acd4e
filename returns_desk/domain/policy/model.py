"""A store's return policy as typed, frozen data, built once from a TOML file.

Matching values (departments, categories, SKUs, tiers, regions) are stored lower-case so
the engine compares plain strings; per-line lookups are cached on the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from returns_desk.domain.decision import Outcome, Settlement, Verdict

if TYPE_CHECKING:
    from returns_desk.domain.policy.case import ReturnCase


class Condition(StrEnum):
    """The state the item comes back in, as the clerk judges it."""

    UNOPENED = "unopened"
    OPENED = "opened"
    DEFECTIVE = "defective"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"


class DayCounting(StrEnum):
    """Whether the purchase day is day 1 (inclusive) or day 0 (exclusive)."""

    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


class CountFrom(StrEnum):
    """Which date starts the window: the sale, or the delivery when there was one."""

    PURCHASE = "purchase"
    DELIVERY = "delivery"


class CashOverLimit(StrEnum):
    """What happens to cash above the policy's limit."""

    VOUCHER = "voucher"
    NEEDS_OVERRIDE = "needs_override"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which lines a rule covers; an empty set means any. Sets are ANDed, values ORed."""

    departments: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()
    conditions: frozenset[Condition] = frozenset()

    def matches(self, department: str, category: str, sku: str, condition: str) -> bool:
        """Inputs must already be lower-case (the engine's cache key is)."""
        return (
            (not self.departments or department in self.departments)
            and (not self.categories or category in self.categories)
            and (not self.skus or sku in self.skus)
            and (not self.conditions or condition in self.conditions)
        )

    def describe(self) -> str:
        """Plain words: 'electronics department, cameras category'."""
        parts = []
        for values, noun in (
            (self.departments, "department"),
            (self.categories, "category"),
            (self.skus, "item"),
            (self.conditions, "condition"),
        ):
            if values:
                parts.append(f"{' or '.join(sorted(v.replace('_', ' ') for v in values))} {noun}")
        return ", ".join(parts) or "all items"


@dataclass(frozen=True, slots=True)
class WindowRule:
    """A return window for some lines; days None means no time limit.

    Among matching rules only those of the highest priority count, and of those the
    longest wins: priority is how a shorter window (electronics) overrides a longer one.
    """

    id: str
    scope: Scope
    days: int | None
    priority: int = 0
    description: str = ""


@dataclass(frozen=True, slots=True)
class HolidayWindow:
    """Bought between two dates (inclusive), returnable until a date."""

    id: str
    bought_from: date
    bought_until: date
    returnable_until: date
    scope: Scope = Scope()
    description: str = ""


@dataclass(frozen=True, slots=True)
class TierExtension:
    """Extra days for a loyalty tier."""

    tier: str
    extra_days: int
    scope: Scope = Scope()


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """How long items may come back, and how days are counted."""

    default_days: int | None = 30
    count_from: CountFrom = CountFrom.PURCHASE
    day_counting: DayCounting = DayCounting.INCLUSIVE
    late: Verdict = Verdict.DENY
    rules: tuple[WindowRule, ...] = ()
    holidays: tuple[HolidayWindow, ...] = ()
    tiers: tuple[TierExtension, ...] = ()


@dataclass(frozen=True, slots=True)
class FinalSale:
    """Items that cannot be returned at all (defective ones may be, if allowed)."""

    scope: Scope | None = None
    allow_defective: bool = False


@dataclass(frozen=True, slots=True)
class DefectivePolicy:
    """Defective items: settled one way inside the window, maybe another under warranty."""

    warranty_days: int = 0
    within_window: frozenset[Settlement] = frozenset(Settlement)
    after_window: frozenset[Settlement] = frozenset({Settlement.EXCHANGE})


@dataclass(frozen=True, slots=True)
class RestockingFee:
    """A fee on opened items; percent of the pre-tax price paid, or an amount per unit."""

    id: str
    scope: Scope
    percent: Decimal | None = None
    amount: Decimal | None = None
    waived_regions: frozenset[str] = frozenset()
    waived_tiers: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptPolicy:
    """Gift receipts and returns without a receipt."""

    gift_receipt: frozenset[Settlement] = frozenset({Settlement.STORE_CREDIT})
    receiptless: Verdict = Verdict.DENY
    receiptless_settlements: frozenset[Settlement] = frozenset({Settlement.STORE_CREDIT})
    lowest_price_days: int = 90
    id_required: bool = True
    limit_count: int | None = None
    limit_period_days: int = 365
    over_limit: Verdict = Verdict.DENY


@dataclass(frozen=True, slots=True)
class RefundPolicy:
    """How money goes back."""

    settlements: frozenset[Settlement] = frozenset(Settlement)
    cash_limit: Decimal | None = None
    over_cash_limit: CashOverLimit = CashOverLimit.VOUCHER
    serial_mismatch: Verdict = Verdict.DENY


@dataclass(frozen=True, slots=True)
class Example:
    """A case the policy file says it must decide, with what it must answer."""

    name: str
    line: int
    case: ReturnCase
    today: date
    outcome: Outcome
    refund: Decimal | None = None
    fee: Decimal | None = None
    settlements: frozenset[Settlement] | None = None
    window_ends: date | None = None
    reason_contains: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """A whole store policy. Build it with ``load_policy``/``parse_policy``."""

    name: str
    version: str
    source: str = "<policy>"
    description: str = ""
    windows: WindowPolicy = WindowPolicy()
    final_sale: FinalSale = FinalSale()
    conditions: dict[Condition, Verdict] = field(default_factory=dict)
    defective: DefectivePolicy = DefectivePolicy()
    restocking_fees: tuple[RestockingFee, ...] = ()
    receipt: ReceiptPolicy = ReceiptPolicy()
    refund: RefundPolicy = RefundPolicy()
    examples: tuple[Example, ...] = ()
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def condition_verdict(self, condition: Condition) -> Verdict:
        """Unlisted conditions are accepted, except damaged, which is denied."""
        default = Verdict.DENY if condition is Condition.DAMAGED else Verdict.ACCEPT
        return self.conditions.get(condition, default)
