"""A journal in chunks: validated (in worker processes for big files) into compact rows the
importer writes without converting again.

Validated records are pydantic models, which cost more to send between processes than to
validate. So a chunk carries each sale as plain tuples: its part of the ``sale``,
``sale_line`` and ``tender`` rows already through the columns' own converters (store/bulk.py),
and what the importer checks against the database (store, register, SKUs). The importer
adds the ids and the product's columns. Catalogue records travel as they were read; there
are few of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy.dialects import registry
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel

from returns_desk.domain.journal import Journal, RowProblem
from returns_desk.domain.journal_parse import JournalReader
from returns_desk.domain.journal_schema import SaleRow
from returns_desk.store import bulk
from returns_desk.store import models as _tables  # noqa: F401 (the tables' metadata)

# Each table's columns: the importer's part first (ids, the product's columns), then the part
# a chunk converts.
SALE_HEAD = ("id", "store_id", "register_id", "import_id")
SALE_TAIL = (
    "receipt_code", "sold_at", "customer_id", "loyalty_tier", "gift_receipt", "order_discount",
    "total", "rewards_earned", "rewards_spent", "points_earned", "reference",
)  # fmt: skip
LINE_HEAD = (
    "sale_id", "product_id", "description", "department", "category", "serialized",
    "final_sale", "brand", "attributes",
)  # fmt: skip
LINE_TAIL = (
    "line_no", "sku", "qty", "unit_price", "line_discount", "order_discount_share",
    "tax_rate", "tax_charged", "serial", "delivered_on", "qty_returned", "promo_of",
    "bundle", "bundle_discount",
)  # fmt: skip
TENDER_HEAD = ("sale_id",)
TENDER_TAIL = ("seq", "kind", "amount", "refunded", "card_last4", "reference", "card_brand")


class CompactSale(NamedTuple):
    """A validated sale, ready to write: what the importer checks, and its rows' parts."""

    row: int
    receipt: str
    store: int
    register: int
    items: tuple[tuple[str, int, str | None], ...]  # each line's SKU, quantity, serial
    line_rows: tuple[int, ...] | None  # each line's own row (CSV), else None
    sale: tuple[Any, ...]
    lines: tuple[tuple[Any, ...], ...]
    tenders: tuple[tuple[Any, ...], ...]
    text: str | None  # the JSON line, to compare with a sale already in under its code


@dataclass
class Chunk:
    """Some rows of a journal: catalogue records, compact sales, and the problems found."""

    source: str
    catalog: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sales: list[CompactSale] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    originals: dict[str, SaleRow] = field(default_factory=dict)  # in-process only: by code


class Inserts(NamedTuple):
    sale: bulk.BulkInsert
    line: bulk.BulkInsert
    tender: bulk.BulkInsert


@cache
def inserts(dialect_name: str) -> Inserts:
    """The three bulk inserts for a dialect (built once per process)."""
    dialect: Dialect = registry.load(dialect_name)()
    tables = SQLModel.metadata.tables
    return Inserts(
        bulk.prepare_insert(dialect, tables["sale"], SALE_HEAD + SALE_TAIL),
        bulk.prepare_insert(dialect, tables["sale_line"], LINE_HEAD + LINE_TAIL),
        bulk.prepare_insert(dialect, tables["tender"], TENDER_HEAD + TENDER_TAIL),
    )


def compact(
    sale: SaleRow, row: int, line_rows: list[int] | None, text: str | None, dialect: str
) -> CompactSale:
    """A validated sale as rows' parts through the columns' converters."""
    ins = inserts(dialect)
    lines = sale.lines
    head = ins.sale.converted(
        (sale.receipt, sale.sold_at, sale.customer_id, sale.loyalty_tier, sale.gift_receipt,
         sale.order_discount, sale.total, sale.rewards_earned, sale.rewards_spent,
         sale.points_earned, sale.reference),
        len(SALE_HEAD),
    )  # fmt: skip
    line_parts = tuple(
        ins.line.converted(
            (
                ln.line_no,
                ln.sku,
                ln.qty,
                ln.unit_price,
                ln.line_discount,
                ln.order_discount_share,
                ln.tax_rate,
                ln.tax,
                ln.serial,
                ln.delivered_on,
                ln.qty_returned,
                ln.promo_of,
                ln.bundle,
                ln.bundle_discount,
            ),
            len(LINE_HEAD),
        )  # fmt: skip
        for ln in lines
    )
    tender_parts = tuple(
        ins.tender.converted(
            (seq, t.kind.value, t.amount, t.refunded, t.last4, t.reference, t.card_brand),
            len(TENDER_HEAD),
        )
        for seq, t in enumerate(sale.tenders, start=1)
    )
    return CompactSale(
        row,
        sale.receipt,
        sale.store,
        sale.register_no,
        tuple((ln.sku, ln.qty, ln.serial) for ln in lines),
        tuple(line_rows) if line_rows else None,
        head,
        line_parts,
        tender_parts,
        text,
    )


def journal_chunk(journal: Journal, dialect: str) -> Chunk:
    """A parsed journal (CSV, an adapter's, the demo) as one chunk, in this process."""
    chunk = Chunk(journal.source)
    for record in (*journal.stores, *journal.registers, *journal.products, *journal.prices):
        chunk.catalog.append((journal.row_of(record), record.model_dump(by_alias=True)))
    for sale, row, rows in zip(journal.sales, journal.sale_rows, journal.line_rows, strict=True):
        chunk.sales.append(compact(sale, row, rows, None, dialect))
        chunk.originals[sale.receipt] = sale
    return chunk


def validate_lines(lines: list[str], first_row: int, source: str, dialect: str) -> Chunk:
    """JSON Lines rows ``first_row``... validated (runs in a worker process)."""
    reader = JournalReader(source)
    chunk = Chunk(source)
    for number, text in enumerate(lines, start=first_row):
        if not text.strip():
            continue
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            reader.fail(number, "", f"not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            reader.fail(number, "", "not valid JSON (nested too deeply)")
            continue
        except ValueError:
            reader.fail(number, "", "not valid JSON (a number of more than 4,300 digits)")
            continue
        _record(reader, chunk, data, number, text, dialect)
    chunk.problems = reader.problems
    return chunk


def validate_block(block: bytes, first_row: int, source: str, dialect: str) -> Chunk:
    """Whole JSON Lines of a file, as bytes, from row ``first_row`` (runs in a worker
    process): each line decoded on its own, so a line that is not UTF-8 is a problem at
    its row and the others are still checked."""
    if first_row == 1 and block.startswith(b"\xef\xbb\xbf"):
        block = block[3:]
    lines: list[str] = []
    problems: list[RowProblem] = []
    for number, raw in enumerate(block.split(b"\n"), start=first_row):
        try:
            lines.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError as exc:
            problems.append(RowProblem(source, number, "", f"not UTF-8 text ({exc.reason})"))
            lines.append("")
    chunk = validate_lines(lines, first_row, source, dialect)
    chunk.problems[:0] = problems
    return chunk


def validate_records(
    records: list[dict[str, Any]], first_row: int, source: str, dialect: str
) -> Chunk:
    """Records already decoded (a generator's) validated as rows ``first_row``..."""
    reader = JournalReader(source)
    chunk = Chunk(source)
    for number, data in enumerate(records, start=first_row):
        _record(reader, chunk, data, number, None, dialect)
    chunk.problems = reader.problems
    return chunk


def _record(
    reader: JournalReader,
    chunk: Chunk,
    data: object,
    number: int,
    text: str | None,
    dialect: str,
) -> None:
    if isinstance(data, dict) and data.get("type", "sale") == "sale":
        try:
            sale = SaleRow.model_validate(data)
        except ValidationError as exc:
            reader.failed(exc, number)
            return
        chunk.sales.append(compact(sale, number, None, text, dialect))
    elif isinstance(data, dict) and isinstance(data.get("type"), str):
        chunk.catalog.append((number, data))  # checked by the importer, in file order
    else:
        reader.record(data, number)  # not an object, or no such type: the reader says so
