"""Values as other POS exports write them: "$1,234.50", "-$3.00", "1.0" units, Shopify's
"2026-04-05 21:06:21 +0400", Square's "Eastern Time (US & Canada)". Each reader raises
ValueError with a message that quotes the value, for the row and column at fault."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from returns_desk.domain.journal_parse import JournalReader, csv_rows
from returns_desk.domain.journal_types import FIRST_DAY, LAST_DAY, MONEY_LIMIT, show

# ISO 4217 minor units where they are not 2; the desk keeps whole cents, so currencies with
# 3 decimals cannot be imported.
CURRENCY_DECIMALS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

# Time zones by the display names Square (and Rails) export, for the zones stores ask about.
ZONE_NAMES = {
    "Eastern Time (US & Canada)": "America/New_York",
    "Central Time (US & Canada)": "America/Chicago",
    "Mountain Time (US & Canada)": "America/Denver",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Arizona": "America/Phoenix",
    "Alaska": "America/Juneau",
    "Hawaii": "Pacific/Honolulu",
    "Atlantic Time (Canada)": "America/Halifax",
    "Newfoundland": "America/St_Johns",
    "Saskatchewan": "America/Regina",
    "London": "Europe/London",
    "Edinburgh": "Europe/London",
    "Dublin": "Europe/Dublin",
    "Paris": "Europe/Paris",
    "Berlin": "Europe/Berlin",
    "Madrid": "Europe/Madrid",
    "Amsterdam": "Europe/Amsterdam",
    "Sydney": "Australia/Sydney",
    "Melbourne": "Australia/Melbourne",
    "Brisbane": "Australia/Brisbane",
    "Adelaide": "Australia/Adelaide",
    "Perth": "Australia/Perth",
    "Auckland": "Pacific/Auckland",
    "Tokyo": "Asia/Tokyo",
    "UTC": "UTC",
}


def currency_decimals(code: str) -> int:
    """The currency's decimals; a currency the desk cannot keep in cents is refused."""
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(f"{show(code)} is not a currency code (like USD)")
    decimals = CURRENCY_DECIMALS.get(text, 2)
    if decimals > 2:
        raise ValueError(f"{text} has {decimals} decimals; the desk keeps amounts in cents")
    return decimals


def amount(text: str, decimals: int = 2) -> Decimal:
    """``"$1,234.50"``, ``"-$3.00"``, ``"($3.00)"`` or ``"1234.5"``; blank is 0. At most
    ``decimals`` places and under a billion: anything else is refused, never rounded."""
    raw = text.strip()
    if not raw:
        return Decimal(0)
    negative = raw.startswith("(") and raw.endswith(")")
    raw = raw.strip("()").strip()
    for _ in range(2):  # "-$3.00" and "$-3.00" both say minus three
        if raw[:1] == "-":
            negative, raw = True, raw[1:].strip()
        raw = raw.lstrip(_SIGNS).strip()
    if not _DIGITS.fullmatch(raw):
        raise ValueError(f"{show(text)} is not an amount")
    value = Decimal(raw.replace(",", ""))
    if value >= MONEY_LIMIT:  # before quantize, which cannot hold 28 digits and more
        raise ValueError(f"{show(text)} is more than the most allowed, {MONEY_LIMIT}")
    if value != value.quantize(Decimal(1).scaleb(-decimals)):
        raise ValueError(f"{show(text)} has more than {decimals} decimal places")
    return -value if negative else value


_SIGNS = "$€£¥₩₹"
_DIGITS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?|[0-9]+(\.[0-9]*)?|\.[0-9]+")


def whole(text: str) -> int:
    """Units as exports write them: ``2`` or ``2.0`` (or ``-1`` on a refund row)."""
    raw = text.strip()
    match = re.fullmatch(r"-?[0-9]{1,7}(\.0*)?", raw)
    if match is None:
        raise ValueError(f"{show(text)} is not a whole number of units")
    return int(raw.split(".")[0])


def zone(name: str) -> ZoneInfo:
    """An IANA zone, or one of the display names Square exports."""
    text = name.strip()
    key = ZONE_NAMES.get(text, text)
    try:
        if key and key.isascii() and "\x00" not in key and ".." not in key:
            return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise ValueError(f"{show(name)} is not a time zone the desk knows (like America/Chicago)")


def checked_time(moment: datetime, text: str) -> datetime:
    if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:
        raise ValueError(f"{show(text)} is not between 2000 and 2100")
    return moment


def sku_from(prefix: str, *parts: str) -> str:
    """A SKU for an item the export gives none for: its name, made safe, at most 64."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(parts)).strip("-").upper()
    return f"{prefix}-{words or 'ITEM'}"[:64]


Rows = Iterator[tuple[int, list[str]]]


def export_rows(
    reader: JournalReader, text: str, required: Sequence[str], what: str
) -> tuple[list[str], Rows] | None:
    """The export's column names and its data rows; None (a problem at the header) when a
    column it must have is missing."""
    rows = csv_rows(reader, text)
    header = next(rows, None)
    if header is None:
        return None
    names = [n.strip() for n in header[1]]
    missing = [c for c in required if c not in names]
    if missing:
        reader.fail(header[0], ", ".join(missing), f"column missing ({what})")
        return None
    return names, rows
