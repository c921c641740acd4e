"""Column types that keep money, rates and times exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.types import TypeDecorator

from returns_desk.domain.money import from_minor, minor_text, to_decimal, to_minor


class Money(TypeDecorator[Decimal]):
    """Decimal amounts stored as integer cents: SQLite has no exact decimal type."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, Decimal) and value.is_finite():  # the usual case, made quick
            return to_minor(value)
        return to_minor(to_decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else from_minor(int(value))

    def bind_processor(self, dialect: Any) -> Any:
        """One call per value (the journal import binds millions), same rule as above."""
        return _decimal_to_cents

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """One call per value instead of SQLAlchemy's wrapper around the one above: a
        receipt lookup converts dozens of amounts, an export millions (neither driver
        needs its own integer conversion)."""
        return _cents_to_decimal

    def text_processor(self, dialect: Any) -> Any:
        """Stored cents as the text of the amount (``"-3.00"``), as ``str`` of the Decimal
        above gives it, for exports written as text."""
        return _cents_to_text


class Rate(TypeDecorator[Decimal]):
    """A tax rate or percentage kept as its exact decimal text."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(to_decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    def bind_processor(self, dialect: Any) -> Any:
        """One call per value, as Money's."""
        return _decimal_to_text

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """As Money's: one call per value (text needs no driver conversion)."""
        return _text_to_decimal


def _decimal_to_cents(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is Decimal and value.is_finite():  # the usual case, made quick
        cents = value.scaleb(2)
        whole = int(cents)
        if whole == cents:
            return whole
    return to_minor(to_decimal(value))  # says why a value is not whole cents


def _decimal_to_text(value: Any) -> str | None:
    if type(value) is Decimal and value.is_finite():  # the usual case, made quick
        return str(value)
    return None if value is None else str(to_decimal(value))


@lru_cache(maxsize=8192)  # an export repeats its prices and fees
def _cents_to_text(value: Any) -> str | None:
    return None if value is None else minor_text(int(value))


@lru_cache(maxsize=65536)  # a store's prices repeat on every receipt; Decimals are immutable
def _cents_to_decimal(value: Any) -> Decimal | None:
    return None if value is None else from_minor(int(value))


@lru_cache(maxsize=4096)  # a store has a few tax rates
def _text_to_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive ones are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the desk stores aware times only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def bind_processor(self, dialect: Any) -> Any:
        """One call per value (SQLite keeps naive UTC, PostgreSQL aware), as above."""
        naive = dialect.name == "sqlite"
        stored = self.impl_instance.dialect_impl(dialect).bind_processor(dialect)  # SQLite: text

        def bind(value: Any) -> Any:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r}: the desk stores aware times only")
            utc: datetime = value.astimezone(UTC)
            out = utc.replace(tzinfo=None) if naive else utc
            return stored(out) if stored else out

        return bind

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """One call per value, as Money's: SQLite's stored text read by ``fromisoformat``
        (a receipt lookup reads a few, an export millions)."""
        if dialect.name == "sqlite":
            return _sqlite_time
        return _aware_time

    def text_processor(self, dialect: Any) -> Any:
        """A stored time as ISO 8601 in UTC to the second (``2026-11-20T10:15:00+00:00``),
        as ``isoformat(timespec="seconds")`` of the value above: SQLite's stored text is
        cut to shape without parsing it."""
        if dialect.name == "sqlite":
            return _sqlite_time_text
        return _aware_time_text


def _sqlite_time(value: Any) -> datetime | None:
    """SQLite's stored text (naive UTC, ``2026-11-20 10:15:00.000000``) -> aware UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _aware_time(value: Any) -> datetime | None:
    if value is None:
        return None
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _sqlite_time_text(value: Any) -> str | None:
    """``2026-11-20 10:15:00.000000`` (naive UTC, as SQLite keeps it) -> ISO in UTC."""
    if value is None:
        return None
    return f"{value[:10]}T{value[11:19]}+00:00"


def _aware_time_text(value: Any) -> str | None:
    if value is None:
        return None
    utc: datetime = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.isoformat(timespec="seconds")
