"""SQL building blocks for the KPIs: periods as each store's own days, the two periods
compared in one query, a row's day at its store (trends), moments as seconds.

Everything here builds SQLAlchemy Core expressions that run the same on SQLite and
PostgreSQL; the aggregation itself always happens in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, null, or_
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
    period: Period
    stores: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, stores: list[tuple[int, str]], period: Period) -> Window:
        spans = Spans.of(stores, period), Spans.of(stores, period.previous())
        return cls(*spans, period, tuple(stores))

    def day(self, moment: Any, store: Any) -> ColumnElement[Any]:
        """A row's calendar day at its own store, as text 'YYYY-MM-DD' (trend buckets);
        NULL outside the current period. Each zone's day boundaries (daylight saving
        included) are worked out here, so both backends bucket the same way."""
        zones: dict[str, list[int]] = {}
        for sid, tz in self.stores:
            zones.setdefault(tz or "", []).append(sid)
        days = [self.period.first + timedelta(days=i) for i in range(self.period.days)]
        by_zone = []
        for tz, ids in zones.items():
            zone = store_zone(tz)
            start = day_span(self.period.first, self.period.first, zone)[0]
            whens: list[tuple[Any, Any]] = [(moment < start, null())]
            whens += [(moment < day_span(d, d, zone)[1], literal(d.isoformat())) for d in days]
            by_zone.append((store.in_(ids), case(*whens, else_=None)))
        if len(by_zone) == 1:
            return by_zone[0][1]
        return case(*by_zone, else_=None)

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
