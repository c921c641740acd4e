"""The kinds of value a policy file holds, each checked with bounds and a plain message.

Every key of the policy model is declared with one of these types, so a value is either
taken exactly (amounts in quotes, whole days) or refused with words a store manager can
act on. Each type carries a :class:`Kind`: the words docs/policy-reference.md shows for it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import PlainValidator

from returns_desk.domain.money import MoneyError, parse_money, to_decimal

E = TypeVar("E", bound=StrEnum)

_WIDE = Context(prec=60)
MAX_DAYS = 36_500  # 100 years: longer is a typo, and dates past it would overflow
MAX_AMOUNT = Decimal(1_000_000_000)
MAX_COUNT = 1_000_000
MAX_LIST = 500
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
UNLIMITED = "unlimited"


class FieldProblem(ValueError):
    """A model check that names the key at fault (``key``) inside the table it checks."""

    def __init__(self, key: str | tuple[str | int, ...] | None, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class Kind:
    """How the reference doc names a type, e.g. 'amount in quotes'."""

    words: str


def _check_text(value: object, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text in quotes, got {value!r}")
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    if any(ord(c) < 32 and c not in "\t" or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ValueError("contains a control character")
    return text


def _name(value: object) -> str:
    text = _check_text(value, 80)
    if not text:
        raise ValueError("must not be empty")
    return text


def _rule_id(value: object) -> str:
    text = _name(value)
    if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in text):
        raise ValueError(f"use letters, digits, '-', '_' or '.' only, got {text!r}")
    return text


def _version(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f'expected a version in quotes, like "2026.11-1", got {value!r}')
    return _name(value)


def _whole(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    if value < low:
        raise ValueError(f"must be at least {low}, got {value}")
    if value > high:
        raise ValueError(f"must be at most {high:,}, got {value:,}")
    return value


def _days(value: object) -> int | None:
    """A whole number of days from 1 to 100 years, or "unlimited"."""
    if value == UNLIMITED:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise ValueError(
            f'expected a number of days (1 to {MAX_DAYS:,}) or "unlimited", got {value!r}'
        )
    return value


def _money(value: object) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f'write amounts in quotes, like "{value}", so they stay exact')
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f'expected an amount in quotes, like "25.00", got {value!r}')
    try:
        number = to_decimal(value)
        if abs(number) > MAX_AMOUNT:  # before parse_money, which cannot quantize 1e30
            raise ValueError(f"must be at most {MAX_AMOUNT:,}")
        amount = parse_money(number)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


def _number(value: object, high: Decimal, what: str) -> Decimal:
    """A percent or rate: text or a whole number, never a float (which is not exact)."""
    if isinstance(value, float | bool):
        raise ValueError(f'write it in quotes, like "{value}", so it stays exact')
    if not isinstance(value, str | int | Decimal):
        raise ValueError(f'expected a number in quotes, like "15", got {value!r}')
    try:
        number = to_decimal(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    exponent = number.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < -6
        and number != number.quantize(Decimal("0.000001"), context=_WIDE)
    ):
        raise ValueError(f"has more than 6 decimal places: {value!r}")
    if number < 0:
        raise ValueError("must not be negative")
    if number > high:
        raise ValueError(f"{what} must be at most {high}, got {number}")
    return number


def _day(value: object) -> date:
    if isinstance(value, str):
        with suppress(ValueError):
            value = date.fromisoformat(value.strip())
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"expected a date like 2026-11-27, got {value!r}")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}, got {value}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _listed(value: object) -> list[str]:
    """A list of names; a single name is fine too."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | frozenset | set) or not all(
        isinstance(v, str) for v in value
    ):
        raise ValueError(f"expected a list of names in quotes, got {value!r}")
    if len(value) > MAX_LIST:
        raise ValueError(f"lists at most {MAX_LIST} names")
    return [_name(v).lower() for v in value]


def _words(value: object) -> frozenset[str]:
    return frozenset(_listed(value))


def choice_of(kind: type[E]) -> Callable[[object], E]:
    """One value of an enum, or a message listing the allowed ones."""

    def check(value: object) -> E:
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return kind(value)
        except ValueError:
            allowed = ", ".join(f'"{k.value}"' for k in kind)
            raise ValueError(f"expected one of {allowed}, got {value!r}") from None

    return check


def choices_of(kind: type[E]) -> Callable[[object], frozenset[E]]:
    """A list of values of an enum."""

    def check(value: object) -> frozenset[E]:
        result = set()
        for word in _listed(value):
            try:
                result.add(kind(word))
            except ValueError:
                allowed = ", ".join(f'"{k.value}"' for k in kind)
                raise ValueError(f"{word!r} is not one of {allowed}") from None
        return frozenset(result)

    return check


def _any(value: Any) -> Any:
    return value


Name = Annotated[str, PlainValidator(_name), Kind("text in quotes (up to 80 characters)")]
RuleId = Annotated[str, PlainValidator(_rule_id), Kind("id: letters, digits, - _ .")]
Version = Annotated[str, PlainValidator(_version), Kind("text in quotes")]
Text = Annotated[
    str, PlainValidator(lambda v: _check_text(v, 500)), Kind("text in quotes (up to 500)")
]
Days = Annotated[
    int | None, PlainValidator(_days), Kind(f'days (1 to {MAX_DAYS:,}) or "unlimited"')
]
DayCount = Annotated[int, PlainValidator(lambda v: _whole(v, 0, MAX_DAYS)), Kind("days")]
DayNumber = Annotated[
    int, PlainValidator(lambda v: _whole(v, 1, MAX_DAYS)), Kind("day number (1 or more)")
]
Count = Annotated[int, PlainValidator(lambda v: _whole(v, 0, MAX_COUNT)), Kind("whole number")]
PositiveCount = Annotated[
    int, PlainValidator(lambda v: _whole(v, 1, MAX_COUNT)), Kind("whole number (1 or more)")
]
Priority = Annotated[int, PlainValidator(lambda v: _whole(v, -1000, 1000)), Kind("whole number")]
Money = Annotated[Decimal, PlainValidator(_money), Kind('amount in quotes, e.g. "25.00"')]
Percent = Annotated[
    Decimal,
    PlainValidator(lambda v: _number(v, Decimal(100), "a percent")),
    Kind('percent in quotes, e.g. "15"'),
]
Rate = Annotated[
    Decimal,
    PlainValidator(lambda v: _number(v, Decimal("0.9999"), "a tax rate")),
    Kind('rate in quotes, e.g. "0.08"'),
]
Day = Annotated[date, PlainValidator(_day), Kind("date, e.g. 2026-11-27")]
Flag = Annotated[bool, PlainValidator(_flag), Kind("true or false")]
Words = Annotated[frozenset[str], PlainValidator(_words), Kind("list of names")]
Loose = Annotated[Any, PlainValidator(_any), Kind("value")]
