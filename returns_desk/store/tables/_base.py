"""Shared column helpers for the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Field

from returns_desk.store.types import Money, Rate, UTCDateTime


def utcnow() -> datetime:
    """Now, aware, in UTC: the only clock the tables use."""
    return datetime.now(UTC)


def money_field(default: Decimal | None = Decimal("0.00"), **kw: Any) -> Any:
    """A money column stored as integer cents."""
    return Field(default=default, sa_type=Money, **kw)


def rate_field(default: Decimal | None = Decimal("0"), **kw: Any) -> Any:
    """An exact rate column (tax rate, percentage)."""
    return Field(default=default, sa_type=Rate, **kw)


def time_field(*, now: bool = True, **kw: Any) -> Any:
    """An aware timestamp column; defaults to now unless ``now=False`` (then None)."""
    if now:
        kw.setdefault("default_factory", utcnow)
    else:
        kw.setdefault("default", None)
    return Field(sa_type=UTCDateTime, **kw)
