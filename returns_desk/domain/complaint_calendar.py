"""A store's business-hours calendar: which days it works, its opening hours, its holidays.

Complaint targets in business hours count only the time the store is open; targets in
business days count working days. Pure: no Textual, no database. Times go in and out aware;
the calendar works on the store's wall clock, so a due time keeps its hour across a DST
change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = (time(0, 0), None)  # None as closing time: open until midnight
MAX_SEARCH_DAYS = 3660  # a calendar with no working day at all is refused when read


@dataclass(frozen=True, slots=True)
class Calendar:
    """When one store is open: working weekdays (0 = Monday), opening hours, holidays."""

    timezone: str
    workdays: frozenset[int]
    holidays: frozenset[date] = frozenset()
    opens: time = time(0, 0)
    closes: time | None = None  # None: midnight (open all day)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def describe_hours(self) -> str:
        """'09:00-18:00', or 'all day'."""
        if self.opens == time(0, 0) and self.closes is None:
            return "all day"
        closes = f"{self.closes:%H:%M}" if self.closes else "24:00"
        return f"{self.opens:%H:%M}-{closes}"

    def _open_span(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of ``day`` as aware datetimes, or None on a day off."""
        if not self.is_business_day(day):
            return None
        start = datetime.combine(day, self.opens, tzinfo=self.zone)
        if self.closes is None:
            end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=self.zone)
        else:
            end = datetime.combine(day, self.closes, tzinfo=self.zone)
        return start, end

    def spans(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals from ``since`` on (the first one clipped to start at ``since``)."""
        day = since.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(MAX_SEARCH_DAYS):
            span = self._open_span(day)
            day += timedelta(days=1)
            if span is None or span[1] <= since:
                continue
            yield max(span[0], since), span[1]

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Open time between two moments, in seconds (0 when ``end`` is not later)."""
        total = 0.0
        if end <= start:
            return total
        for lo, hi in self.spans(start):
            if lo >= end:
                break
            total += (min(hi, end) - lo).total_seconds()
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The earliest moment when ``seconds`` of open time have passed since ``start``."""
        if seconds <= 0:
            return start
        left = seconds
        for lo, hi in self.spans(start):
            length = (hi - lo).total_seconds()
            if left <= length:
                return (lo + timedelta(seconds=left)).astimezone(start.tzinfo)
            left -= length
        raise ValueError("the calendar has no working days to count")

    def add_days(self, start: datetime, days: int) -> datetime:
        """``days`` working days after the day of ``start``, at the same wall-clock time."""
        local = start.astimezone(self.zone)
        day, counted = local.date(), 0
        for _ in range(MAX_SEARCH_DAYS):
            if counted >= days:
                break
            day += timedelta(days=1)
            counted += self.is_business_day(day)
        wall = datetime.combine(day, local.time().replace(fold=0), tzinfo=self.zone)
        return wall.astimezone(start.tzinfo)


def parse_hours(text: str) -> tuple[time, time | None]:
    """'09:00-18:00' as (opens, closes); '24:00' as closing means midnight (None)."""
    try:
        first, last = (part.strip() for part in text.split("-"))
        opens = time.fromisoformat(first)
        closes = None if last == "24:00" else time.fromisoformat(last)
    except ValueError:
        raise ValueError(f"expected opening hours like 09:00-18:00, got {text!r}") from None
    if closes is not None and closes <= opens:
        raise ValueError(f"{text!r}: the store must close after it opens")
    return opens, closes
