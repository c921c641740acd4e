"""The field types of a journal row, with the bounds a real POS file stays within.

Text uses pydantic's own constraints (checked in its Rust core: length, no control
characters, no broken UTF-16). Numbers, amounts, dates and times are each checked by one
function, because pydantic is lenient where a POS file must not be (``"١٢٣"`` is not
store 123, ``true`` is not 1) and one call per value is several times quicker than its
constraints on decimals. A value outside a bound is refused with what and why; nothing is
clipped or rounded.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainValidator, StringConstraints

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.receipt import MAX_ATTRIBUTES, canonical_attributes

MONEY_LIMIT = Decimal(10) ** 9  # no till sees a billion; bigger is a broken file
QTY_LIMIT = 10**6
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

# Column sizes: the longest text each field may hold (receipts/JOURNAL.md lists them).
SIZES = {
    "sku": 64,
    "upc": 14,
    "description": 200,
    "department": 64,
    "category": 64,
    "name": 100,
    "region": 32,
    "address": 200,
    "customer_id": 64,
    "loyalty_tier": 32,
    "serial": 64,
    "reference": 64,
    "brand": 80,
    "bundle": 40,
    "card_brand": 40,
}

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NO_CONTROLS = r"^[^\x00-\x1f\x7f]*$"  # no NUL, tab, line break ... in a one-line field
_CLEAN = re.compile(r"[^\x00-\x1f\x7f\ud800-\udfff]*")


def show(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: text in quotes (repr, so NUL and lone surrogates stay
    printable), numbers as written; shortened."""
    text = str(value) if isinstance(value, Decimal | int) else repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 4] + ("...'" if text[0] in "'\"" else "...")


def _whole(low: int, high: int) -> PlainValidator:
    """Whole numbers from ``low`` to ``high``, as JSON integers or ASCII digits."""

    def check(value: Any) -> int:
        kind = type(value)
        if kind is str:
            text = value.strip()
            if not _INTEGER.fullmatch(text):
                raise ValueError(f"{show(value)} is not a whole number (digits 0-9)")
            number = int(text) if len(text) < 20 else high + 1
        elif kind is int:
            number = value
        elif kind is Decimal and value == value.to_integral_value():
            number = int(value)
        else:
            raise ValueError(f"{show(value)} is not a whole number")
        if not low <= number <= high:
            word = "less than the least allowed" if number < low else "more than the most allowed"
            raise ValueError(f"{show(value)} is {word}, {low if number < low else high}")
        return number

    return PlainValidator(check)


def _money(low: Decimal, high: Decimal = MONEY_LIMIT, places: int = 2) -> PlainValidator:
    """Amounts from ``low`` to ``high`` with at most ``places`` decimals: decimal text in
    ASCII digits, or JSON numbers (read exactly, never through binary floats)."""
    unit = Decimal(1).scaleb(-places)
    plain = re.compile(rf"-?[0-9]{{1,10}}(\.[0-9]{{0,{places}}})?")  # the usual "19.99"
    seen: dict[str, Decimal] = {}  # a journal repeats its prices and rates: read each once

    def check(value: Any) -> Decimal:
        kind = type(value)
        if kind is str:
            known = seen.get(value)
            if known is not None:
                return known
            text = value.strip()
            if plain.fullmatch(text):
                amount = Decimal(text)
                if low <= amount <= high:
                    if len(seen) > 50_000:
                        seen.clear()
                    seen[value] = amount
                    return amount
            elif not _NUMBER.fullmatch(text):
                raise ValueError(f"{show(value)} is not an amount (digits 0-9, a point for cents)")
            amount = Decimal(text)
        elif kind is Decimal:
            if not value.is_finite():
                raise ValueError(f"{show(value)} is not an amount")
            amount = value
        elif kind is int:
            amount = Decimal(value)
        elif kind is float:
            if not math.isfinite(value):
                raise ValueError(f"{show(value)} is not an amount")
            amount = Decimal(repr(value))  # the shortest text of it: 19.99, not 19.98999...
        else:
            raise ValueError(f"{show(value)} is not an amount")
        if not low <= amount <= high:
            word = "less than the least allowed" if amount < low else "more than the most allowed"
            raise ValueError(f"{show(value)} is {word}, {low if amount < low else high}")
        exact = amount.quantize(unit) if amount.adjusted() < 12 else amount
        if exact != amount:
            raise ValueError(f"{show(value)} has more than {places} decimal places")
        return exact

    return PlainValidator(check)


def _day(value: Any) -> date:
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DAY.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise ValueError(f"{show(value)} is not a date (YYYY-MM-DD)")
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{show(value)} is not a date (YYYY-MM-DD)")
    return value


def _in_range(value: Any) -> date:
    day = _day(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} is not between 2000 and 2100")
    return day


def _moment(value: Any) -> datetime:
    """ISO 8601 with a UTC offset, between 2000 and 2100; naive times are not guessed."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip().isascii():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{show(value)} is not a date-time (ISO 8601)") from None
    else:
        raise ValueError(f"{show(value)} is not a date-time (ISO 8601)")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{show(value)} has no UTC offset; write e.g. 2026-11-02T14:05:00-05:00")
    if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:  # before any sum in UTC
        raise ValueError(f"{show(value)} is not between 2000 and 2100")
    return moment


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in ("", "0", "false", "no", "n"):
        return False
    if text in ("1", "true", "yes", "y"):
        return True
    raise ValueError(f"{show(value)} is not yes/no")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _ascii_digits(kind: str, sizes: tuple[int, ...]) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and not (value.isascii() and value.isdigit() and len(value) in sizes):
            raise ValueError(f"{show(value)} is not {kind}")
        return value

    return AfterValidator(check)


def _receipt_code(value: str) -> str:
    return parse_receipt_code(value).digits  # ReceiptCodeError is a ValueError


@cache
def _zones() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def _zone(value: str) -> str:
    if value not in _zones():
        raise ValueError(f"{show(value)} is not an IANA time zone (like America/Chicago)")
    return value


def _limits(size: int, required: bool = True) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1 if required else 0, max_length=size,
        pattern=_NO_CONTROLS,
    )  # fmt: skip


_BLANK = BeforeValidator(_blank_is_none)

# Required one-line text, by column size.
Sku = Annotated[str, _limits(SIZES["sku"])]
Description = Annotated[str, _limits(SIZES["description"])]
Department = Annotated[str, _limits(SIZES["department"])]
StoreName = Annotated[str, _limits(SIZES["name"])]
# Optional text: blank is None.
Category = Annotated[Annotated[str, _limits(SIZES["category"], False)] | None, _BLANK]
Region = Annotated[Annotated[str, _limits(SIZES["region"], False)] | None, _BLANK]
Address = Annotated[Annotated[str, _limits(SIZES["address"], False)] | None, _BLANK]
Label = Annotated[Annotated[str, _limits(SIZES["name"], False)] | None, _BLANK]
CustomerId = Annotated[Annotated[str, _limits(SIZES["customer_id"], False)] | None, _BLANK]
Tier = Annotated[Annotated[str, _limits(SIZES["loyalty_tier"], False)] | None, _BLANK]
Serial = Annotated[Annotated[str, _limits(SIZES["serial"], False)] | None, _BLANK]
Reference = Annotated[Annotated[str, _limits(SIZES["reference"], False)] | None, _BLANK]
Brand = Annotated[Annotated[str, _limits(SIZES["brand"], False)] | None, _BLANK]
Bundle = Annotated[Annotated[str, _limits(SIZES["bundle"], False)] | None, _BLANK]
CardBrand = Annotated[
    Annotated[str, _limits(SIZES["card_brand"], False), AfterValidator(str.lower)] | None, _BLANK
]
_UPC = _ascii_digits("a UPC/EAN (8, 12, 13 or 14 digits)", (8, 12, 13, 14))
Upc = Annotated[Annotated[str, _limits(14), _UPC] | None, _BLANK]
Last4 = Annotated[
    Annotated[str, _limits(4), _ascii_digits("the card's last 4 digits", (4,))] | None, _BLANK
]
Zone = Annotated[str, _limits(64), AfterValidator(_zone)]
ReceiptDigits = Annotated[str, _limits(13 + 8), AfterValidator(_receipt_code)]

# Whole numbers.
StoreNo = Annotated[int, _whole(0, 999)]  # the receipt code holds 3 digits of store
RegisterNo = Annotated[int, _whole(0, 99)]  # and 2 of register
LineNo = Annotated[int, _whole(1, 10_000)]
Qty = Annotated[int, _whole(1, QTY_LIMIT)]
QtyReturned = Annotated[int, _whole(0, QTY_LIMIT)]
Points = Annotated[int, _whole(0, 10**9)]

# Money up to a billion in whole cents; rates as fractions in [0, 1).
Money = Annotated[Decimal, _money(Decimal(0))]
Payment = Annotated[Decimal, _money(Decimal("0.01"))]
TaxRate = Annotated[Decimal, _money(Decimal(0), Decimal("0.999999"), places=6)]

Day = Annotated[date, PlainValidator(_in_range)]
Moment = Annotated[datetime, PlainValidator(_moment)]
Flag = Annotated[bool, PlainValidator(_flag)]


def _attributes(value: Any) -> str | None:
    """A product's attributes: an object of names to text or numbers (policies can scope
    rules by them, e.g. capacity), kept as canonical JSON; in a CSV, that object as text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=Decimal)
        except (ValueError, RecursionError):
            value = None
    if not isinstance(value, dict) or not _plain(value):
        raise ValueError(
            f"expected an object of up to {MAX_ATTRIBUTES} names (40 characters) to text or "
            'numbers (100 characters), like {"capacity_cu_ft": 22}'
        )
    return canonical_attributes(value)


def _plain(values: dict[Any, Any]) -> bool:
    if len(values) > MAX_ATTRIBUTES:
        return False
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            return False
        if isinstance(value, Decimal) and not value.is_finite():
            return False
        for text, size in ((str(name).strip(), 40), (str(value).strip(), 100)):
            if not 0 < len(text) <= size or not _CLEAN.fullmatch(text):
                return False
    return True


Attributes = Annotated[str | None, PlainValidator(_attributes)]
