"""Mapping files: a store describes its POS's CSV export in TOML, without code.

receipts/ADAPTERS.md documents every key; receipts/mappings/square-items.toml is the one
for Square's item details export. A mapping names the export's columns for what the desk
needs of a sale (the column that groups rows into a sale, its time, its store) and of each
line (SKU, quantity, price, discount, tax), and how its payments are named.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from returns_desk.domain.journal import JournalInvalid, RowProblem
from returns_desk.domain.journal_errors import describe
from returns_desk.domain.receipt import TenderKind

Column = Annotated[str, Field(min_length=1, max_length=100)]
_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SaleColumns(BaseModel):
    """Columns of a sale: ``key`` groups rows into one sale and is its reference."""

    model_config = _STRICT

    key: Column
    date: Column
    time: Column | None = None
    time_zone: Column | None = None
    date_format: str = "%Y-%m-%d"
    time_format: str = "%H:%M:%S"
    location: Column | None = None
    customer_id: Column | None = None
    event: Column | None = None
    refund_events: list[str] = Field(default_factory=list)
    payment: Column | None = None
    card_brand: Column | None = None
    card_last4: Column | None = None
    default_payment: TenderKind = TenderKind.CASH


class LineColumns(BaseModel):
    """Columns of a line: a unit price or the line's gross total, one of the two."""

    model_config = _STRICT

    sku: Column | None = None
    sku_from: list[Column] = Field(default_factory=list)
    description: Column
    category: Column | None = None
    qty: Column
    unit_price: Column | None = None
    gross: Column | None = None
    discount: Column | None = None
    net: Column | None = None
    tax: Column | None = None
    tax_included: bool = False

    @model_validator(mode="after")
    def _one_price(self) -> LineColumns:
        if (self.unit_price is None) == (self.gross is None):
            raise ValueError("give either unit_price or gross (the line's total), not both")
        if self.sku is None and not self.sku_from:
            raise ValueError("give sku, or sku_from (columns a SKU is made from)")
        return self


class Mapping(BaseModel):
    """A whole mapping file."""

    model_config = _STRICT

    name: str = Field(min_length=1, max_length=100)
    sale: SaleColumns
    line: LineColumns
    payments: dict[str, TenderKind] = Field(default_factory=dict)

    def columns(self) -> list[str]:
        """Every column the export must have."""
        named = [*self.sale.model_dump().items(), *self.line.model_dump().items()]
        skip = {"date_format", "time_format", "refund_events", "default_payment", "tax_included"}
        found: list[str] = []
        for key, value in named:
            if key in skip or value is None:
                continue
            found += value if isinstance(value, list) else [value]
        return list(dict.fromkeys(found))


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; a bad one is refused with the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise JournalInvalid(
            [RowProblem(path.name, 0, "", f"not a mapping file ({exc})")]
        ) from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where, message = describe(error)
            key = ".".join(str(p) for p in where)
            problems.append(RowProblem(path.name, 0, key, message))
        raise JournalInvalid(problems) from None
