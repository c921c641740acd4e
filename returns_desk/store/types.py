"""Column types that keep money, rates and times exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.types import TypeDecorator

from returns_desk.domain.money import from_minor, to_decimal, to_minor


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
    return None if value is None else str(to_decimal(value))


def _cents_to_decimal(value: Any) -> Decimal | None:
    return None if value is None else from_minor(int(value))


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

        def bind(value: Any) -> datetime | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r}: the desk stores aware times only")
            utc: datetime = value.astimezone(UTC)
            return utc.replace(tzinfo=None) if naive else utc

        return bind

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
