"""SQL building blocks for the KPIs: periods as each store's own days, the two periods
compared in one query, moments as seconds, and the columns a KPI is broken down by.

Everything here builds SQLAlchemy Core expressions that run the same on SQLite and
PostgreSQL; the aggregation itself always happens in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from returns_desk.domain.local_day import day_span, store_zone

CURRENT, PREVIOUS = "current", "previous"


@dataclass(frozen=True)
class Period:
    """The stores' calendar days ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.first} to {self.last}"


@dataclass(frozen=True)
class Spans:
    """Where each store's days of a period begin and end in UTC: one span when every store
    keeps the same time zone (then the condition is a plain range an index serves)."""

    by_store: dict[int, tuple[datetime, datetime]]

    @classmethod
    def of(cls, stores: list[tuple[int, str]], period: Period) -> Spans:
        return cls({sid: day_span(period.first, period.last, store_zone(tz)) for sid, tz in stores})

    @property
    def start(self) -> datetime:
        return min(s for s, _ in self.by_store.values())

    @property
    def end(self) -> datetime:
        return max(e for _, e in self.by_store.values())

    def condition(self, moment: Any, store: Any) -> ColumnElement[bool]:
        spans = set(self.by_store.values())
        if len(spans) <= 1:
            return and_(moment >= self.start, moment < self.end)
        return or_(
            *(and_(store == sid, moment >= a, moment < b) for sid, (a, b) in self.by_store.items())
        )


@dataclass(frozen=True)
class Window:
    """The current period and the one before it, for stores (id, time zone)."""

    current: Spans
    previous: Spans

    @classmethod
    def of(cls, stores: list[tuple[int, str]], period: Period) -> Window:
        return cls(Spans.of(stores, period), Spans.of(stores, period.previous()))

    def label(self, moment: Any, store: Any) -> ColumnElement[Any]:
        """'current', 'previous' or NULL for a row's moment at its store."""
        return case(
            (self.current.condition(moment, store), literal(CURRENT)),
            (self.previous.condition(moment, store), literal(PREVIOUS)),
            else_=None,
        )

    def rough(self, moment: Any) -> ColumnElement[bool]:
        """Both periods as one range: lets an index on ``moment`` do the first cut."""
        return and_(moment >= self.previous.start, moment < self.current.end)


def epoch(dialect: str, moment: Any) -> ColumnElement[float]:
    """A stored moment as seconds since 1970 (for durations and rolling windows)."""
    if dialect == "sqlite":
        return cast((func.julianday(moment) - 2440587.5) * 86400.0, Float)
    return cast(func.extract("epoch", moment), Float)


def day_of(dialect: str, moment: Any) -> ColumnElement[Any]:
    """A stored moment's UTC calendar day, as text 'YYYY-MM-DD' (trend buckets)."""
    if dialect == "sqlite":
        return func.date(moment)
    return func.to_char(func.timezone("UTC", moment), "YYYY-MM-DD")
