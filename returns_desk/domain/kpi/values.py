"""A KPI's measured value, and how it compares with an earlier one.

A value keeps its numerator and denominator (what the screen shows beside it) and the key
of the formula that made it (``return_rate@1``). A value measured by another version of the
formula is never compared: the comparison says the definition changed instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from returns_desk.domain.kpi.definitions import KpiDef, Unit
from returns_desk.domain.money import format_money

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class KpiValue:
    """One KPI for one period and one group (a store, a clerk ... or everything: "")."""

    kpi: KpiDef
    group: str
    numerator: Decimal
    denominator: Decimal

    @property
    def value(self) -> Decimal | None:
        """The figure: a percentage, an amount, seconds or a count; None without data."""
        unit = self.kpi.unit
        if unit is Unit.PERCENT:
            if not self.denominator:
                return None
            share = self.numerator * HUNDRED / self.denominator
            return share.quantize(Decimal("0.1"), ROUND_HALF_UP)
        if unit is Unit.SECONDS and not self.denominator:
            return None
        return self.numerator

    def shown(self) -> str:
        """The value as the screen prints it: '12.5%', '$1,234.50', '3 min 05 s', '4'."""
        value = self.value
        if value is None:
            return "—"
        unit = self.kpi.unit
        if unit is Unit.PERCENT:
            return f"{value}%"
        if unit is Unit.MONEY:
            return format_money(value)
        if unit is Unit.SECONDS:
            whole = int(value)
            return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"
        return f"{int(value):,}"

    def fraction(self) -> str:
        """'45 of 360' (numerator and denominator as measured)."""
        if self.kpi.unit is Unit.MONEY:
            return f"{format_money(self.numerator)} over {_plain(self.denominator)}"
        return f"{_plain(self.numerator)} of {_plain(self.denominator)}"

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {
            "kpi": self.kpi.id,
            "definition_version": self.kpi.version,
            "group": self.group,
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "value": None if value is None else str(value),
        }


def _plain(number: Decimal) -> str:
    return f"{number:,}" if number == number.to_integral() else f"{number:,.2f}"


@dataclass(frozen=True, slots=True)
class Change:
    """A value beside an earlier one: the difference, or why there is none."""

    now: Decimal | None
    before: Decimal | None
    difference: Decimal | None
    note: str = ""

    def shown(self, unit: Unit) -> str:
        if self.note:
            return self.note
        if self.difference is None:
            return "—"
        sign = "+" if self.difference > 0 else ""
        suffix = " pts" if unit is Unit.PERCENT else ""
        if unit is Unit.MONEY:
            return f"{sign}{format_money(self.difference)}"
        return f"{sign}{self.difference}{suffix}"


def compare(now: KpiValue, before_key: str, before: Decimal | None) -> Change:
    """``now`` against an earlier value measured by formula ``before_key`` (``id@version``);
    a value from another version of the formula is not compared."""
    if before_key != now.kpi.key:
        return Change(
            now.value, before, None, f"not compared: definition {before_key} → {now.kpi.key}"
        )
    value = now.value
    if value is None or before is None:
        return Change(value, before, None)
    return Change(value, before, value - before)
