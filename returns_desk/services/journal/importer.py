"""Import a POS sales journal: validate every row against the file and the database first,
then write all of it in one transaction, or nothing.

Daily files overlap: the catalogue rows follow catalog_sync.py's rules, and a receipt
already imported with the same content is skipped (counted, not an error). The same
receipt code with different content is an error that names both files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.journal import Journal, JournalInvalid, RowProblem, SaleRecord
from returns_desk.domain.journal_parse import parse_csv, parse_jsonl, physical_lines
from returns_desk.services import audit
from returns_desk.services.journal.catalog_sync import (
    CatalogChanges,
    sync_products,
    sync_registers,
    sync_stores,
)
from returns_desk.services.journal.same_sale import first_difference
from returns_desk.store import bulk
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import JournalImport, Product, Sale

BATCH = 5000
_SALE = SQLModel.metadata.tables["sale"]
_LINE = SQLModel.metadata.tables["sale_line"]
_TENDER = SQLModel.metadata.tables["tender"]
_SALE_COLUMNS = [
    "id",
    "receipt_code",
    "store_id",
    "register_id",
    "sold_at",
    "customer_id",
    "loyalty_tier",
    "gift_receipt",
    "order_discount",
    "total",
    "import_id",
    "rewards_earned",
    "rewards_spent",
    "points_earned",
    "reference",
]
_LINE_COLUMNS = [
    "sale_id",
    "line_no",
    "product_id",
    "sku",
    "description",
    "department",
    "category",
    "qty",
    "unit_price",
    "line_discount",
    "order_discount_share",
    "tax_rate",
    "tax_charged",
    "serial",
    "serialized",
    "final_sale",
    "delivered_on",
    "qty_returned",
    "brand",
    "attributes",
    "promo_of",
    "bundle",
    "bundle_discount",
]
_TENDER_COLUMNS = [
    "sale_id", "seq", "kind", "amount", "refunded", "card_last4", "reference", "card_brand"
]  # fmt: skip
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote. ``already``: the file was imported before (then nothing was),
    saying when and under which name."""

    source: str
    sha256: str
    stores: int = 0
    products: int = 0
    prices: int = 0
    receipts: int = 0
    lines: int = 0
    receipts_already_in: int = 0
    products_changed: int = 0
    stores_changed: int = 0
    upc_moves: tuple[str, ...] = ()
    already: str | None = None
    notes: tuple[str, ...] = ()  # what an adapter left out of the export, and why
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def read_journal(path: Path) -> tuple[Journal, str]:
    """Parse a journal file by its extension (.csv or .jsonl); returns it with its SHA-256."""
    raw, sha = read_file(path)
    return parse_bytes(raw, path), sha


def read_file(path: Path) -> tuple[bytes, str]:
    """A file's bytes and SHA-256; an unreadable file is a problem with the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalInvalid(
            [RowProblem(path.name, 0, "", f"cannot be read ({exc.strerror or exc})")]
        ) from None
    return raw, hashlib.sha256(raw).hexdigest()


def parse_bytes(raw: bytes, path: Path) -> Journal:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JournalInvalid(
            [RowProblem(path.name, line, "", f"not UTF-8 text ({exc.reason})")]
        ) from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text, path.name)
    return parse_jsonl(physical_lines(text), path.name)


def already_imported(engine: Engine, sha: str) -> str | None:
    """When and as what a file with this SHA-256 was imported, or None."""
    with read_only(engine) as session:
        return _already(session, sha)


def _already(session: Session, sha: str) -> str | None:
    done = session.exec(select(JournalImport).where(JournalImport.sha256 == sha)).first()
    if done is None:
        return None
    return f"on {done.imported_at:%Y-%m-%d %H:%M} UTC as {done.file_name}"


def import_journal(
    engine: Engine, path: Path, actor: str = "system", progress: Progress | None = None
) -> ImportResult:
    """Validate then import ``path``; raises :class:`JournalInvalid` with nothing written.
    A file already imported (same SHA-256) is not read again: the result says when."""
    raw, sha = read_file(path)
    if (when := already_imported(engine, sha)) is not None:
        return ImportResult(path.name, sha, already=when)
    return import_parsed(engine, parse_bytes(raw, path), sha, actor, progress)


def import_parsed(
    engine: Engine,
    journal: Journal,
    sha: str,
    actor: str = "system",
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Write an already parsed journal in one unit of work (or nothing, with the problems)."""
    try:
        with unit_of_work(engine) as session:
            return _import(session, journal, sha, actor, progress, today)
    except IntegrityError:
        raise JournalInvalid(
            [
                RowProblem(
                    journal.source,
                    0,
                    "",
                    "another import wrote the same receipts or products at the same time; "
                    "nothing of this file was imported: import it again",
                )
            ]
        ) from None


def _import(
    session: Session,
    journal: Journal,
    sha: str,
    actor: str,
    progress: Progress | None,
    today: date | None,
) -> ImportResult:
    if (when := _already(session, sha)) is not None:
        return ImportResult(journal.source, sha, already=when)
    problems: list[RowProblem] = []
    changes = CatalogChanges()
    store_ids = sync_stores(session, journal, changes)
    products = sync_products(session, journal, today or datetime.now(UTC).date(), changes, problems)
    registers = sync_registers(session, journal, store_ids, changes, problems)
    new_sales, same = _check_sales(session, journal, store_ids, products, problems)
    if problems:
        raise JournalInvalid(sorted(problems, key=lambda p: p.row))
    imp = JournalImport(
        file_name=journal.source,
        sha256=sha,
        receipts=len(new_sales),
        products=changes.products_new,
        imported_by=actor,
    )
    session.add(imp)
    session.flush()
    lines = _write_sales(session, new_sales, store_ids, registers, products, imp.id, progress)
    details = {"file": journal.source, "sha256": sha, "receipts": len(new_sales)}
    details |= {"receipts_already_in": same, **changes.details()}
    if journal.notes:
        details["left_out"] = journal.notes[:100]
    audit.append(
        session,
        actor=actor,
        action="journal.import",
        entity="journal_import",
        entity_id=imp.id,
        details=details,
    )
    return ImportResult(
        journal.source,
        sha,
        stores=changes.stores_new,
        products=changes.products_new,
        prices=changes.prices_added,
        receipts=len(new_sales),
        lines=lines,
        receipts_already_in=same,
        products_changed=len(changes.products_changed),
        stores_changed=len(changes.stores_changed),
        upc_moves=tuple(changes.upc_moves),
        notes=tuple(journal.notes),
        details=details,
    )


def _check_sales(
    session: Session,
    journal: Journal,
    store_ids: dict[int, int],
    products: dict[str, Product],
    problems: list[RowProblem],
) -> tuple[list[SaleRecord], int]:
    """Problems only the database can see (unknown stores and SKUs, a receipt already in
    with other content); returns the sales to write and how many are already in as is."""
    existing: dict[str, int] = {}
    codes = [s.receipt for s in journal.sales]
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        rows = session.exec(
            select(Sale.receipt_code, Sale.id).where(col(Sale.receipt_code).in_(chunk))
        )
        existing.update((code, sale_id) for code, sale_id in rows if sale_id is not None)
    new: list[SaleRecord] = []
    same = 0
    for sale in journal.sales:
        sale_id = existing.get(sale.receipt)
        if sale_id is not None:
            difference = first_difference(session, sale, sale_id)
            if difference is None:
                same += 1
            else:
                problems.append(RowProblem(journal.source, sale.row, "receipt", difference))
            continue
        found = _sale_problems(journal.source, sale, store_ids, products)
        problems.extend(found)
        if not found:
            new.append(sale)
    return new, same


def _sale_problems(
    source: str, sale: SaleRecord, store_ids: dict[int, int], products: dict[str, Product]
) -> list[RowProblem]:
    found = []
    if sale.store not in store_ids:
        found.append(RowProblem(source, sale.row, "store", f"unknown store {sale.store}"))
    for i, line in enumerate(sale.lines):
        product = products.get(line.sku)
        if product is None:
            row, name = sale.where(i, "sku")
            found.append(RowProblem(source, row, name, f"unknown SKU {line.sku!r}"))
        elif product.serialized and (not line.serial or line.qty != 1):
            row, name = sale.where(i, "serial")
            found.append(
                RowProblem(
                    source,
                    row,
                    name,
                    f"{line.sku} is serialized: one unit per line, with its serial",
                )
            )
    return found


def _write_sales(
    session: Session,
    sales: list[SaleRecord],
    store_ids: dict[int, int],
    registers: dict[tuple[int, int], int],
    products: dict[str, Product],
    import_id: int | None,
    progress: Progress | None,
) -> int:
    """Bulk-insert sales, then their lines and tenders, a batch at a time (store/bulk.py)."""
    conn = session.connection()
    dialect = conn.dialect
    sale_insert = bulk.prepare_insert(dialect, _SALE, _SALE_COLUMNS)
    line_insert = bulk.prepare_insert(dialect, _LINE, _LINE_COLUMNS)
    tender_insert = bulk.prepare_insert(dialect, _TENDER, _TENDER_COLUMNS)
    total, written = len(sales), 0
    for start in range(0, total, BATCH):
        batch = sales[start : start + BATCH]
        ids = bulk.reserve_ids(conn, _SALE, len(batch))
        bulk.insert_many(
            conn,
            sale_insert,
            (
                _sale_row(i, s, store_ids, registers, import_id)
                for i, s in zip(ids, batch, strict=True)
            ),
        )
        lines: list[dict[str, Any]] = []
        tenders: list[dict[str, Any]] = []
        for sale_id, sale in zip(ids, batch, strict=True):
            lines.extend(_line_row(sale_id, ln, products[ln.sku]) for ln in sale.lines)
            tenders.extend(
                {
                    "sale_id": sale_id,
                    "seq": i + 1,
                    "kind": t.kind.value,
                    "amount": t.amount,
                    "refunded": t.refunded,
                    "card_last4": t.last4,
                    "reference": t.reference,
                    "card_brand": t.card_brand,
                }
                for i, t in enumerate(sale.tenders)
            )
        written += bulk.insert_many(conn, line_insert, lines)
        bulk.insert_many(conn, tender_insert, tenders)
        if progress:
            progress(min(start + BATCH, total), total)
    return written


def _sale_row(
    sale_id: int,
    sale: SaleRecord,
    store_ids: dict[int, int],
    registers: dict[tuple[int, int], int],
    import_id: int | None,
) -> dict[str, Any]:
    store_id = store_ids[sale.store]
    return {
        "id": sale_id,
        "receipt_code": sale.receipt,
        "store_id": store_id,
        "register_id": registers[(store_id, sale.register_no)],
        "sold_at": sale.sold_at,
        "customer_id": sale.customer_id,
        "loyalty_tier": sale.loyalty_tier,
        "gift_receipt": sale.gift_receipt,
        "order_discount": sale.order_discount,
        "total": sale.total,
        "import_id": import_id,
        "rewards_earned": sale.rewards_earned,
        "rewards_spent": sale.rewards_spent,
        "points_earned": sale.points_earned,
        "reference": sale.reference,
    }


def _line_row(sale_id: int, line: Any, product: Product) -> dict[str, Any]:
    return {
        "sale_id": sale_id,
        "line_no": line.line_no,
        "product_id": product.id,
        "sku": line.sku,
        "description": product.description,
        "department": product.department,
        "category": product.category,
        "qty": line.qty,
        "unit_price": line.unit_price,
        "line_discount": line.line_discount,
        "order_discount_share": line.order_discount_share,
        "tax_rate": line.tax_rate,
        "tax_charged": line.tax,
        "serial": line.serial,
        "serialized": product.serialized,
        "final_sale": product.final_sale,
        "delivered_on": line.delivered_on,
        "qty_returned": line.qty_returned,
        "brand": product.brand,
        "attributes": product.attributes,
        "promo_of": line.promo_of,
        "bundle": line.bundle,
        "bundle_discount": line.bundle_discount,
    }
