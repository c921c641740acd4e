"""A store's calendar days as spans of UTC time.

Times are stored in UTC, but a store thinks in its own days: a return made at 23:30 on
Nov 2 in Chicago is a Nov 2 return, though UTC already says Nov 3. These helpers turn
local days into the UTC instants where they begin and end (daylight saving included: a
day may last 23 or 25 hours).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=128)
def store_zone(name: str | None) -> tzinfo:
    """The store's time zone; an empty or unknown name counts as UTC (as slips print it)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def day_span(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC covering the local days ``first`` to ``last``, both included."""
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The store's calendar day of an aware moment."""
    return moment.astimezone(zone).date()
