"""A day's journal against what is already imported: stores, registers, products, prices.

POS exports carry their whole catalogue every day, so a row that says what the database
already holds changes nothing. The rules (also in receipts/JOURNAL.md):

- A store, register or product that is new is added; one whose details changed (name,
  time zone, description ...) is updated to the file's; one that is identical is left.
- A price that differs from the price in effect on its date adds a price-history row
  from that date (a product row without ``price_from`` dates a change to the import day).
  A different price for a date that already has one is a row error: a correction needs
  its own date.
- A UPC belongs to one SKU at a time. A file that gives a known UPC to another SKU moves
  it there (the old SKU keeps its sales, and the move is in the audit event); two SKUs
  with the same UPC in one file are a row error.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from returns_desk.domain.journal import Journal, ProductRecord, RowProblem
from returns_desk.domain.journal_types import FIRST_DAY
from returns_desk.store.models import Product, ProductPrice, Register, Store


@dataclass
class CatalogChanges:
    """What a file changed in the catalogue, for the result and the audit event."""

    stores_new: int = 0
    stores_changed: list[int] = field(default_factory=list)
    registers_new: int = 0
    products_new: int = 0
    products_changed: list[str] = field(default_factory=list)
    prices_added: int = 0
    upc_moves: list[str] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        return {
            "stores_new": self.stores_new,
            "stores_changed": self.stores_changed,
            "registers_new": self.registers_new,
            "products_new": self.products_new,
            "products_changed": self.products_changed[:100],
            "prices_added": self.prices_added,
            "upc_moves": self.upc_moves[:100],
        }


def _update(session: Session, row: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on an existing row if any differs; True if it changed."""
    if all(getattr(row, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    return True


def sync_stores(session: Session, journal: Journal, changes: CatalogChanges) -> dict[int, int]:
    """Stores added or updated; returns store number -> id for every known store."""
    existing = {s.number: s for s in session.exec(select(Store))}
    for rec in journal.stores:
        values: dict[str, Any] = {
            "name": rec.name,
            "region": rec.region or "",
            "timezone": rec.timezone,
            "address": rec.address or "",
        }
        store = existing.get(rec.number)
        if store is None:
            existing[rec.number] = Store(number=rec.number, **values)
            session.add(existing[rec.number])
            changes.stores_new += 1
        elif _update(session, store, values):
            changes.stores_changed.append(rec.number)
    session.flush()
    return {n: s.id for n, s in existing.items() if s.id is not None}


def sync_registers(
    session: Session,
    journal: Journal,
    store_ids: dict[int, int],
    changes: CatalogChanges,
    problems: list[RowProblem],
) -> dict[tuple[int, int], int]:
    """Registers named in the file (records, and every sale's), added or renamed;
    returns (store id, register number) -> register id."""
    regs = {(r.store_id, r.number): r for r in session.exec(select(Register))}
    wanted: dict[tuple[int, int], str | None] = {}
    for rec in journal.registers:
        if rec.store not in store_ids:
            problems.append(
                RowProblem(
                    journal.source, journal.row_of(rec), "store", f"unknown store {rec.store}"
                )
            )
            continue
        wanted[(store_ids[rec.store], rec.number)] = rec.name
    for sale in journal.sales:
        if sale.store in store_ids:
            wanted.setdefault((store_ids[sale.store], sale.register_no), None)
    for key, name in wanted.items():
        reg = regs.get(key)
        if reg is None:
            regs[key] = Register(store_id=key[0], number=key[1], name=name or f"Register {key[1]}")
            session.add(regs[key])
            changes.registers_new += 1
        elif name and reg.name != name:
            reg.name = name
            session.add(reg)
    session.flush()
    return {k: r.id for k, r in regs.items() if r.id is not None}


def sync_products(
    session: Session,
    journal: Journal,
    today: date,
    changes: CatalogChanges,
    problems: list[RowProblem],
) -> dict[str, Product]:
    """Products added, updated or left; UPCs moved; prices added. Returns SKU -> product."""
    known = {p.sku: p for p in session.exec(select(Product))}
    _move_upcs(session, journal, known, changes)
    new_skus = set()
    for rec in journal.products:
        values = _product_values(rec, known.get(rec.sku))
        product = known.get(rec.sku)
        if product is None:
            known[rec.sku] = Product(sku=rec.sku, **values)
            session.add(known[rec.sku])
            new_skus.add(rec.sku)
            changes.products_new += 1
        elif _update(session, product, values):
            changes.products_changed.append(rec.sku)
    session.flush()
    history = _PriceBook(session, known)
    for rec in journal.products:
        default = FIRST_DAY if rec.sku in new_skus else today
        history.set(rec.sku, rec.price, rec.price_from or default, journal.row_of(rec), "price")
    for price in journal.prices:
        row = journal.row_of(price)
        if price.sku not in known:
            problems.append(RowProblem(journal.source, row, "sku", f"unknown SKU {price.sku!r}"))
            continue
        history.set(price.sku, price.price, price.effective_from, row, "effective_from")
    for sku, wanted, day, row, name in history.conflicts:
        problems.append(
            RowProblem(
                journal.source,
                row,
                name,
                f"{sku} already has price {history.on(sku, day)} from {day}; "
                f"a different price ({wanted}) needs a date of its own",
            )
        )
    changes.prices_added += history.write()
    return known


def _product_values(rec: ProductRecord, product: Product | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "description": rec.description,
        "department": rec.department,
        "category": rec.category or "",
        "serialized": rec.serialized,
        "final_sale": rec.final_sale,
        "brand": rec.brand,
        "attributes": rec.attributes,
    }
    if rec.upc is not None or product is None:  # a row without a UPC leaves the SKU's own
        values["upc"] = rec.upc
    return values


def _move_upcs(
    session: Session, journal: Journal, known: dict[str, Product], changes: CatalogChanges
) -> None:
    """Take each UPC the file gives a new SKU away from its old SKU first."""
    owners = {p.upc: p for p in known.values() if p.upc}
    moved = False
    for rec in journal.products:
        owner = owners.get(rec.upc) if rec.upc else None
        if owner is not None and owner.sku != rec.sku:
            owner.upc = None
            session.add(owner)
            changes.upc_moves.append(f"{rec.upc}: {owner.sku} -> {rec.sku}")
            moved = True
    if moved:
        session.flush()


class _PriceBook:
    """Price histories of the known products, and the rows a file adds to them."""

    def __init__(self, session: Session, products: dict[str, Product]) -> None:
        self.session = session
        self.ids = {sku: p.id for sku, p in products.items() if p.id is not None}
        by_id = {pid: sku for sku, pid in self.ids.items()}
        self.days: dict[str, list[date]] = {}
        self.prices: dict[str, list[Decimal]] = {}
        rows = session.exec(
            select(ProductPrice).order_by(
                col(ProductPrice.product_id), col(ProductPrice.effective_from)
            )
        )
        for row in rows:
            sku = by_id.get(row.product_id)
            if sku is not None:
                self.days.setdefault(sku, []).append(row.effective_from)
                self.prices.setdefault(sku, []).append(row.price)
        self.new: list[ProductPrice] = []
        self.conflicts: list[tuple[str, Decimal, date, int, str]] = []

    def on(self, sku: str, day: date) -> Decimal | None:
        """The price in effect on ``day`` (None before the first)."""
        days = self.days.get(sku, [])
        at = bisect_right(days, day)
        return self.prices[sku][at - 1] if at else None

    def set(self, sku: str, price: Decimal, day: date, row: int, name: str) -> None:
        days = self.days.setdefault(sku, [])
        prices = self.prices.setdefault(sku, [])
        at = bisect_right(days, day)
        if at and days[at - 1] == day:
            if prices[at - 1] != price:
                self.conflicts.append((sku, price, day, row, name))
            return
        if at and prices[at - 1] == price:
            return  # the price in effect then already: nothing changes
        days.insert(at, day)
        prices.insert(at, price)
        self.new.append(ProductPrice(product_id=self.ids[sku], price=price, effective_from=day))

    def write(self) -> int:
        self.session.add_all(self.new)
        self.session.flush()
        return len(self.new)
