"""The POS sales journal: parse and validate every row before anything is written.

Format (documented in receipts/JOURNAL.md): JSON Lines with ``store``, ``product``,
``price`` and ``sale`` records, or CSV with one row per sold line. Each problem is
reported with file, row and field; one bad row means nothing of the file is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from returns_desk.domain.money import ZERO, MoneyError, parse_money, to_decimal
from returns_desk.domain.receipt import TenderKind

MAX_REPORTED = 50


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row, said so a person can fix the file."""

    source: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}, row {self.row}"
        return (
            f"{where}, field '{self.field}': {self.message}"
            if self.field
            else f"{where}: {self.message}"
        )


class JournalInvalid(ValueError):
    """The journal has bad rows; nothing of it may be imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n{shown}{tail}")


@dataclass(slots=True)
class StoreRecord:
    number: int
    name: str
    region: str = ""
    timezone: str = "UTC"
    address: str = ""


@dataclass(slots=True)
class ProductRecord:
    sku: str
    description: str
    department: str
    category: str
    price: Decimal
    price_from: date
    upc: str | None = None
    serialized: bool = False
    final_sale: bool = False
    brand: str | None = None
    attributes: str | None = None  # canonical JSON (domain.receipt.canonical_attributes)


@dataclass(slots=True)
class PriceRecord:
    sku: str
    price: Decimal
    effective_from: date
    row: int = 0


@dataclass(slots=True)
class LineRecord:
    line_no: int
    sku: str
    qty: int
    unit_price: Decimal
    line_discount: Decimal
    order_discount_share: Decimal | None
    tax_rate: Decimal
    tax: Decimal
    serial: str | None = None
    delivered_on: date | None = None
    promo_of: int | None = None
    bundle: str | None = None
    bundle_discount: Decimal = ZERO

    @property
    def net_before_order_discount(self) -> Decimal:
        return self.unit_price * self.qty - self.line_discount


@dataclass(slots=True)
class TenderRecord:
    kind: TenderKind
    amount: Decimal
    last4: str | None = None
    reference: str | None = None
    card_brand: str | None = None


@dataclass(slots=True)
class SaleRecord:
    receipt: str
    store: int
    register: int
    sold_at: datetime
    lines: list[LineRecord]
    tenders: list[TenderRecord]
    customer_id: str | None = None
    loyalty_tier: str | None = None
    gift_receipt: bool = False
    order_discount: Decimal = ZERO
    row: int = 0
    rewards_earned: Decimal = ZERO
    rewards_spent: Decimal = ZERO
    points_earned: int = 0

    @property
    def total(self) -> Decimal:
        return sum(
            (
                ln.net_before_order_discount - (ln.order_discount_share or ZERO) + ln.tax
                for ln in self.lines
            ),
            ZERO,
        )


@dataclass(slots=True)
class Journal:
    """Everything a journal file holds, validated."""

    source: str
    stores: list[StoreRecord] = field(default_factory=list)
    products: list[ProductRecord] = field(default_factory=list)
    prices: list[PriceRecord] = field(default_factory=list)
    sales: list[SaleRecord] = field(default_factory=list)


class _Row:
    """Field access for one row that records problems instead of stopping at the first."""

    def __init__(self, source: str, row: int, data: dict[str, Any], problems: list[RowProblem]):
        self.source, self.row, self.data, self.problems = source, row, data, problems
        self.ok = True

    def fail(self, name: str, message: str) -> None:
        self.ok = False
        self.problems.append(RowProblem(self.source, self.row, name, message))

    def text(self, name: str, required: bool = True, prefix: str = "") -> str | None:
        value = self.data.get(name)
        text = None if value is None else str(value).strip()
        if not text:
            if required:
                self.fail(prefix + name, "is missing")
            return None
        return text

    def integer(self, name: str, minimum: int | None = None, prefix: str = "") -> int:
        raw = self.text(name, prefix=prefix)
        if raw is None:
            return 0
        try:
            value = int(raw)
        except ValueError:
            self.fail(prefix + name, f"{raw!r} is not a whole number")
            return 0
        if minimum is not None and value < minimum:
            self.fail(prefix + name, f"{value} is below {minimum}")
        return value

    def money(self, name: str, required: bool = True, prefix: str = "") -> Decimal | None:
        raw = self.data.get(name)
        text = None if raw is None else (repr(raw) if isinstance(raw, float) else str(raw).strip())
        if not text:
            if required:
                self.fail(prefix + name, "is missing")
            return None
        try:
            return parse_money(text)
        except MoneyError as exc:
            self.fail(prefix + name, str(exc))
            return None

    def decimal(self, name: str, prefix: str = "") -> Decimal:
        raw = self.text(name, required=False, prefix=prefix) or "0"
        try:
            return to_decimal(raw)
        except MoneyError:
            self.fail(prefix + name, f"{raw!r} is not a number")
            return ZERO

    def flag(self, name: str, prefix: str = "") -> bool:
        value = self.data.get(name, False)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("", "0", "false", "no", "n"):
            return False
        if text in ("1", "true", "yes", "y"):
            return True
        self.fail(prefix + name, f"{value!r} is not yes/no")
        return False

    def day(self, name: str, required: bool = True, prefix: str = "") -> date | None:
        raw = self.text(name, required=required, prefix=prefix)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(prefix + name, f"{raw!r} is not a date (YYYY-MM-DD)")
            return None

    def moment(self, name: str) -> datetime | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.fail(name, f"{raw!r} is not a date-time (ISO 8601)")
            return None
        if value.tzinfo is None:
            self.fail(name, f"{raw!r} has no UTC offset; write e.g. 2026-11-02T14:05:00-05:00")
            return None
        return value
