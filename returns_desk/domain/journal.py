"""The POS sales journal: every row validated before anything is written.

Format (documented in receipts/JOURNAL.md): JSON Lines with ``store``, ``register``,
``product``, ``price`` and ``sale`` records, or CSV with one row per sold line. The rows'
schemas and bounds are in :mod:`returns_desk.domain.journal_schema`. Each problem is
reported with file, row (the 1-based line a person sees in the file) and field; one bad
row means nothing of the file is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from returns_desk.domain.journal_schema import (
    LineRow,
    PriceRow,
    ProductRow,
    RegisterRow,
    SaleRow,
    StoreRow,
    TenderRow,
)

MAX_REPORTED = 50

# The validated records, by the names the importer reads them under.
StoreRecord = StoreRow
RegisterRecord = RegisterRow
ProductRecord = ProductRow
PriceRecord = PriceRow
LineRecord = LineRow
TenderRecord = TenderRow
SaleRecord = SaleRow


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row, said so a person can fix the file (row 0: the file)."""

    source: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}, row {self.row}" if self.row else self.source
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
class Journal:
    """Everything a journal file holds, validated, with the file row of each record, for
    problems only the database can see: ``rows`` for the catalogue's (by ``id``),
    ``sale_rows`` the row each sale starts on and ``line_rows`` its lines' own rows (CSV)."""

    source: str
    stores: list[StoreRow] = field(default_factory=list)
    registers: list[RegisterRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    prices: list[PriceRow] = field(default_factory=list)
    sales: list[SaleRow] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)
    sale_rows: list[int] = field(default_factory=list)
    line_rows: list[list[int] | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what an adapter left out, and why

    def row_of(self, record: object) -> int:
        """The file row a store, register, product or price record came from."""
        return self.rows.get(id(record), 0)
