"""One journal's import inside one unit of work: catalogue records in file order (the
catalog_sync.py rules), sales checked against the database and written a batch at a time.

Once a problem is found nothing more is written (the transaction will be rolled back), but
the rest is still read, so every problem is reported. A sale whose store or SKU is not known
yet waits for the end of the file, where a later catalogue row may bring it.
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel, select

from returns_desk.domain.journal import JournalInvalid, RowProblem
from returns_desk.domain.journal_parse import JournalReader, TooManyProblems
from returns_desk.domain.journal_schema import SaleRow
from returns_desk.services import audit
from returns_desk.services.journal.catalog_sync import (
    CatalogChanges,
    sync_products,
    sync_registers,
    sync_stores,
)
from returns_desk.services.journal.chunks import Chunk, CompactSale, inserts
from returns_desk.services.journal.same_sale import first_difference
from returns_desk.store import bulk
from returns_desk.store.models import JournalImport, Product, Register, Store

MAX_PROBLEMS = 1000


class JournalWriter:
    """Writes a journal's chunks in the caller's session (its unit of work)."""

    def __init__(self, session: Session, source: str, sha: str, actor: str, today: date):
        self.session, self.source, self.actor, self.today = session, source, actor, today
        self.conn = session.connection()
        self.ins = inserts(self.conn.dialect.name)
        self.problems: list[RowProblem] = []
        self.changes = CatalogChanges()
        self.notes: list[str] = []
        self.store_ids = {s.number: s.id for s in session.exec(select(Store)) if s.id}
        self.registers = {(r.store_id, r.number): r.id for r in session.exec(select(Register))}
        self.products = {p.sku: p for p in session.exec(select(Product))}
        # What the file may name: known SKUs (serialized or not) and stores, from the
        # database and the file's catalogue, even when a problem stopped the writing.
        self.skus = {sku: p.serialized for sku, p in self.products.items()}
        self.stores = set(self.store_ids)
        self._parts: dict[str, tuple[Any, ...]] = {}
        self._seen: dict[str, dict[str, int]] = {}
        self.deferred: list[tuple[Chunk, CompactSale]] = []
        self.receipts = self.same = self.lines = 0
        self.record = JournalImport(file_name=source, sha256=sha, imported_by=actor)
        session.add(self.record)
        session.flush()

    def fail(self, row: int, field: str, message: str) -> None:
        self.problems.append(RowProblem(self.source, row, field, message))

    def add(self, chunk: Chunk) -> None:
        """A chunk's catalogue, then its sales."""
        self.problems.extend(chunk.problems)
        if chunk.catalog:
            self._catalog(chunk)
        self._sales(chunk, chunk.sales, final=False)

    def _catalog(self, chunk: Chunk) -> None:
        reader = JournalReader(self.source)
        with suppress(TooManyProblems):
            for row, data in chunk.catalog:
                reader.record(data, row)
        self.problems.extend(reader.problems)
        journal = reader.journal
        self._repeats(journal)
        self.skus.update((p.sku, p.serialized) for p in journal.products)
        self.stores.update(s.number for s in journal.stores)
        if self.problems:
            return  # nothing will be written: the checks go on with the names alone
        ids = sync_stores(self.session, journal, self.changes)
        self.store_ids.update(ids)
        self.products = sync_products(
            self.session, journal, self.today, self.changes, self.problems
        )
        self.registers.update(
            sync_registers(self.session, journal, self.store_ids, self.changes, self.problems)
        )
        self._parts.clear()

    def _repeats(self, journal: Any) -> None:
        """The same store, register, SKU, UPC or price date twice in the file."""
        keyed = [
            ("number", "store", [(str(s.number), s) for s in journal.stores]),
            ("number", "register", [(f"{r.store}/{r.number}", r) for r in journal.registers]),
            ("sku", "SKU", [(p.sku, p) for p in journal.products]),
            ("upc", "UPC", [(p.upc, p) for p in journal.products if p.upc]),
            ("effective_from", "price of",
             [(f"{p.sku} from {p.effective_from}", p) for p in journal.prices]),
        ]  # fmt: skip
        for field, what, pairs in keyed:
            seen = self._seen.setdefault(what, {})
            for key, record in pairs:
                row = journal.row_of(record)
                if key in seen:
                    self.fail(row, field, f"{what} {key} already on row {seen[key]}")
                seen.setdefault(key, row)

    def _sales(self, chunk: Chunk, sales: list[CompactSale], final: bool) -> None:
        existing = self._existing([s.receipt for s in sales])
        ready: list[CompactSale] = []
        codes: set[str] = set()
        stores, skus = self.stores, self.skus
        for sale in sales:
            if sale.receipt in existing or sale.receipt in codes:
                self._again(chunk, sale, existing.get(sale.receipt))
                continue
            codes.add(sale.receipt)
            if sale.store in stores:  # the usual case, checked quickly: all is known and right
                for sku, qty, serial in sale.items:
                    serialized = skus.get(sku)
                    if serialized is None or (serialized and (not serial or qty != 1)):
                        break
                else:
                    ready.append(sale)
                    continue
            unknown = sale.store not in self.stores or any(
                sku not in self.skus for sku, _, _ in sale.items
            )
            if unknown and not final:
                self.deferred.append((chunk, sale))
            elif self._acceptable(sale):
                ready.append(sale)
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems
        if not self.problems:
            self._write(ready)

    def _existing(self, codes: list[str]) -> dict[str, tuple[int, int | None]]:
        """The sales already in under these codes: (id, import)."""
        rows = bulk.select_in(self.conn, SALES, "receipt_code", codes, EXISTING)
        return {code: (sid, imp) for code, sid, imp in rows}

    def _again(self, chunk: Chunk, sale: CompactSale, known: tuple[int, int | None] | None) -> None:
        """A receipt already in: the same sale again is skipped, another is a problem."""
        if known is None or known[1] == self.record.id:
            self.fail(sale.row, "receipt", f"receipt {sale.receipt} is in this file twice")
            return
        original = chunk.originals.get(sale.receipt) or _revalidated(sale)
        difference = first_difference(self.session, original, known[0]) if original else None
        if difference is None and original is not None:
            self.same += 1
        else:
            self.fail(sale.row, "receipt", difference or f"receipt {sale.receipt} is already in")

    def _acceptable(self, sale: CompactSale) -> bool:
        """The store and SKUs are known, and serialized items go one unit a line."""
        ok = True
        if sale.store not in self.stores:
            self.fail(sale.row, "store", f"unknown store {sale.store}")
            ok = False
        for index, (sku, qty, serial) in enumerate(sale.items):
            serialized = self.skus.get(sku)
            if serialized is None:
                self.fail(*_where(sale, index, "sku"), f"unknown SKU {sku!r}")
                ok = False
            elif serialized and (not serial or qty != 1):
                message = f"{sku} is serialized: one unit per line, with its serial"
                self.fail(*_where(sale, index, "serial"), message)
                ok = False
        return ok

    def _write(self, sales: list[CompactSale]) -> None:
        if not sales:
            return
        ids = bulk.reserve_ids(self.conn, SALES, len(sales))
        sale_rows: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        tender_rows: list[tuple[Any, ...]] = []
        import_id = self.record.id
        store_ids, registers, parts = self.store_ids, self.registers, self._parts
        add_sale, add_line, add_tender = sale_rows.append, line_rows.append, tender_rows.append
        for sale_id, sale in zip(ids, sales, strict=True):  # a million times: kept lean
            store_id = store_ids[sale.store]
            register_id = registers.get((store_id, sale.register))
            if register_id is None:
                register_id = self._register(store_id, sale.register)
            add_sale((sale_id, store_id, register_id, import_id, *sale.sale))
            for (sku, _, _), part in zip(sale.items, sale.lines, strict=True):
                add_line((sale_id, *(parts.get(sku) or self._part(sku)), *part))
            for part in sale.tenders:
                add_tender((sale_id, *part))
        bulk.insert_rows(self.conn, self.ins.sale, sale_rows)
        self.lines += bulk.insert_rows(self.conn, self.ins.line, line_rows)
        bulk.insert_rows(self.conn, self.ins.tender, tender_rows)
        self.receipts += len(sales)

    def _register(self, store_id: int, number: int) -> int:
        key = (store_id, number)
        found = self.registers.get(key)
        if found is None:
            register = Register(store_id=store_id, number=number, name=f"Register {number}")
            self.session.add(register)
            self.session.flush()
            found = self.registers[key] = register.id or 0
            self.changes.registers_new += 1
        return found

    def _part(self, sku: str) -> tuple[Any, ...]:
        """A line's columns that come from its product, converted once per SKU."""
        part = self._parts.get(sku)
        if part is None:
            p = self.products[sku]
            values = (p.id, p.description, p.department, p.category, p.serialized,
                      p.final_sale, p.brand, p.attributes)  # fmt: skip
            part = self._parts[sku] = self.ins.line.converted(values, 1)
        return part

    def finish(self) -> dict[str, Any]:
        """Write what waited for the rest of the file; the audit event; or the problems."""
        waiting, self.deferred = self.deferred, []
        for chunk, sale in waiting:
            self._sales(chunk, [sale], final=True)
        if self.problems:
            raise JournalInvalid(sorted(self.problems, key=lambda p: p.row)[:MAX_PROBLEMS])
        self.record.receipts = self.receipts
        self.record.products = self.changes.products_new
        self.session.add(self.record)
        details = {"file": self.source, "sha256": self.record.sha256, "receipts": self.receipts}
        details |= {"receipts_already_in": self.same, **self.changes.details()}
        if self.notes:
            details["left_out"] = self.notes[:100]
        audit.append(
            self.session,
            actor=self.actor,
            action="journal.import",
            entity="journal_import",
            entity_id=self.record.id,
            details=details,
        )
        return details


SALES = SQLModel.metadata.tables["sale"]
EXISTING = ("receipt_code", "id", "import_id")


def _where(sale: CompactSale, index: int, name: str) -> tuple[int, str]:
    """(row, field) of a line's field: a CSV line's own row and column, else the sale's row
    and ``lines[i].name``."""
    if sale.line_rows is not None and index < len(sale.line_rows):
        return sale.line_rows[index], name
    return sale.row, f"lines[{index}].{name}"


def _revalidated(sale: CompactSale) -> SaleRow | None:
    """The sale as validated from its JSON line again, to compare with the one already in."""
    if sale.text is None:
        return None
    return SaleRow.model_validate(json.loads(sale.text, parse_float=Decimal))
