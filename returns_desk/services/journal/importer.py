"""Import a POS sales journal: validate every row against the file and the database first,
then write all of it in one transaction, or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.journal import Journal, JournalInvalid, RowProblem, SaleRecord
from returns_desk.domain.journal_parse import parse_csv, parse_jsonl
from returns_desk.services import audit
from returns_desk.store import bulk
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    JournalImport,
    Product,
    ProductPrice,
    Register,
    Sale,
    Store,
)

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
    """What an import wrote."""

    source: str
    sha256: str
    stores: int
    products: int
    prices: int
    receipts: int
    lines: int


def read_journal(path: Path) -> tuple[Journal, str]:
    """Parse a journal file by its extension (.csv or .jsonl); returns it with its SHA-256."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JournalInvalid(
            [RowProblem(path.name, 0, "", f"not UTF-8 text ({exc.reason})")]
        ) from exc
    journal = (
        parse_csv(text, path.name)
        if path.suffix.lower() == ".csv"
        else parse_jsonl(text.splitlines(), path.name)
    )
    return journal, hashlib.sha256(raw).hexdigest()


def import_journal(
    engine: Engine, path: Path, actor: str = "system", progress: Progress | None = None
) -> ImportResult:
    """Validate then import ``path``; raises :class:`JournalInvalid` with nothing written."""
    journal, sha = read_journal(path)
    return import_parsed(engine, journal, sha, actor, progress)


def import_parsed(
    engine: Engine,
    journal: Journal,
    sha: str,
    actor: str = "system",
    progress: Progress | None = None,
) -> ImportResult:
    """Write an already parsed journal in one unit of work."""
    with unit_of_work(engine) as session:
        _refuse_repeat(session, journal, sha)
        store_ids = _write_stores(session, journal)
        product_ids = _write_products(session, journal)
        _check_sales(session, journal, store_ids, product_ids)
        imp = JournalImport(
            file_name=journal.source,
            sha256=sha,
            receipts=len(journal.sales),
            products=len(journal.products),
            imported_by=actor,
        )
        session.add(imp)
        session.flush()
        lines = _write_sales(session, journal, store_ids, product_ids, imp.id, progress)
        audit.append(
            session,
            actor=actor,
            action="journal.import",
            entity="journal_import",
            entity_id=imp.id,
            details={"file": journal.source, "sha256": sha, "receipts": len(journal.sales)},
        )
    return ImportResult(
        journal.source,
        sha,
        len(journal.stores),
        len(journal.products),
        len(journal.prices),
        len(journal.sales),
        lines,
    )


def _refuse_repeat(session: Session, journal: Journal, sha: str) -> None:
    done = session.exec(select(JournalImport).where(JournalImport.sha256 == sha)).first()
    if done:
        when = done.imported_at.strftime("%Y-%m-%d %H:%M UTC")
        raise JournalInvalid(
            [RowProblem(journal.source, 0, "", f"this file was already imported on {when}")]
        )


def _write_stores(session: Session, journal: Journal) -> dict[int, int]:
    existing = {s.number: s for s in session.exec(select(Store))}
    for rec in journal.stores:
        if rec.number not in existing:
            store = Store(
                number=rec.number,
                name=rec.name,
                region=rec.region,
                timezone=rec.timezone,
                address=rec.address,
            )
            session.add(store)
            existing[rec.number] = store
    session.flush()
    return {n: s.id for n, s in existing.items() if s.id is not None}


def _write_products(session: Session, journal: Journal) -> dict[str, tuple[int, Product]]:
    known = {p.sku: p for p in session.exec(select(Product))}
    for rec in journal.products:
        if rec.sku in known:
            continue
        product = Product(
            sku=rec.sku,
            upc=rec.upc,
            description=rec.description,
            department=rec.department,
            category=rec.category,
            serialized=rec.serialized,
            final_sale=rec.final_sale,
            brand=rec.brand,
            attributes=rec.attributes,
        )
        session.add(product)
        known[rec.sku] = product
    session.flush()
    for rec in journal.products:
        session.add(
            ProductPrice(
                product_id=known[rec.sku].id, price=rec.price, effective_from=rec.price_from
            )
        )
    problems = []
    for price in journal.prices:
        if price.sku not in known:
            problems.append(
                RowProblem(journal.source, price.row, "sku", f"unknown SKU {price.sku!r}")
            )
            continue
        session.add(
            ProductPrice(
                product_id=known[price.sku].id,
                price=price.price,
                effective_from=price.effective_from,
            )
        )
    if problems:
        raise JournalInvalid(problems)
    session.flush()
    return {sku: (p.id or 0, p) for sku, p in known.items()}


def _check_sales(
    session: Session,
    journal: Journal,
    store_ids: dict[int, int],
    products: dict[str, tuple[int, Product]],
) -> None:
    """Problems only the database can see: unknown stores and SKUs, receipts already in."""
    problems: list[RowProblem] = []
    codes = [s.receipt for s in journal.sales]
    already: set[str] = set()
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        already.update(
            session.exec(select(Sale.receipt_code).where(col(Sale.receipt_code).in_(chunk)))
        )
    for sale in journal.sales:
        problems.extend(_sale_problems(journal.source, sale, store_ids, products, already))
    if problems:
        raise JournalInvalid(problems)


def _sale_problems(
    source: str,
    sale: SaleRecord,
    store_ids: dict[int, int],
    products: dict[str, tuple[int, Product]],
    already: set[str],
) -> list[RowProblem]:
    found = []
    if sale.receipt in already:
        found.append(
            RowProblem(
                source, sale.row, "receipt", f"receipt {sale.receipt} is already in the database"
            )
        )
    if sale.store not in store_ids:
        found.append(RowProblem(source, sale.row, "store", f"unknown store {sale.store}"))
    for i, line in enumerate(sale.lines):
        entry = products.get(line.sku)
        if entry is None:
            found.append(
                RowProblem(source, sale.row, f"lines[{i}].sku", f"unknown SKU {line.sku!r}")
            )
        elif entry[1].serialized and (not line.serial or line.qty != 1):
            found.append(
                RowProblem(
                    source,
                    sale.row,
                    f"lines[{i}].serial",
                    f"{line.sku} is serialized: one unit per line, with its serial",
                )
            )
    return found


def _register_ids(session: Session, journal: Journal, store_ids: dict[int, int]) -> dict[Any, int]:
    regs = {(r.store_id, r.number): r for r in session.exec(select(Register))}
    for sale in journal.sales:
        key = (store_ids[sale.store], sale.register)
        if key not in regs:
            regs[key] = Register(
                store_id=key[0], number=sale.register, name=f"Register {sale.register}"
            )
            session.add(regs[key])
    session.flush()
    return {k: r.id for k, r in regs.items()}


def _write_sales(
    session: Session,
    journal: Journal,
    store_ids: dict[int, int],
    products: dict[str, tuple[int, Product]],
    import_id: int | None,
    progress: Progress | None,
) -> int:
    """Bulk-insert sales, then their lines and tenders, a batch at a time (store/bulk.py)."""
    registers = _register_ids(session, journal, store_ids)
    conn = session.connection()
    dialect = conn.dialect
    sale_insert = bulk.prepare_insert(dialect, _SALE, _SALE_COLUMNS)
    line_insert = bulk.prepare_insert(dialect, _LINE, _LINE_COLUMNS)
    tender_insert = bulk.prepare_insert(dialect, _TENDER, _TENDER_COLUMNS)
    total, written = len(journal.sales), 0
    for start in range(0, total, BATCH):
        batch = journal.sales[start : start + BATCH]
        ids = bulk.reserve_ids(conn, _SALE, len(batch))
        bulk.insert_many(
            conn,
            sale_insert,
            (
                _sale_row(i, s, store_ids, registers, import_id)
                for i, s in zip(ids, batch, strict=True)
            ),
        )
        lines, tenders = [], []
        for sale_id, sale in zip(ids, batch, strict=True):
            lines.extend(_line_row(sale_id, ln, products[ln.sku][1]) for ln in sale.lines)
            tenders.extend(
                {
                    "sale_id": sale_id,
                    "seq": i + 1,
                    "kind": t.kind.value,
                    "amount": t.amount,
                    "refunded": 0,
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
    registers: dict[Any, int],
    import_id: int | None,
) -> dict[str, Any]:
    store_id = store_ids[sale.store]
    return {
        "id": sale_id,
        "receipt_code": sale.receipt,
        "store_id": store_id,
        "register_id": registers[(store_id, sale.register)],
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
        "qty_returned": 0,
        "brand": product.brand,
        "attributes": product.attributes,
        "promo_of": line.promo_of,
        "bundle": line.bundle,
        "bundle_discount": line.bundle_discount,
    }
