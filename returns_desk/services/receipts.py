"""Find a receipt by its code and hand it to the counter as a domain :class:`Receipt`."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store import fastread
from returns_desk.store.db import read_only
from returns_desk.store.models import Register, Sale, SaleLine, Store
from returns_desk.store.models import Tender as TenderRow


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why.

    The counter's hottest path: three indexed queries on the bare driver in one read
    transaction (see store/fastread.py), converted by the tables' own column types.
    """
    code = parse_receipt_code(text)
    reader = _reader(engine)
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        if reader.sqlite:
            cursor.execute("BEGIN")
        heads = fastread.run(cursor, reader.sale, code.digits)
        lines = fastread.run(cursor, reader.lines, heads[0]["id"]) if heads else []
        tenders = fastread.run(cursor, reader.tenders, heads[0]["id"]) if heads else []
        cursor.close()
    finally:
        conn.close()  # the pool rolls the read transaction back
    if not heads:
        raise ReceiptNotFound(
            f"receipt {code.pretty()} is not in the sales journal: check the store "
            f"({code.store_no}) and date, or look it up without a receipt"
        )
    head = heads[0]
    store_no, register_no = reader.register_numbers(engine, head["register_id"])
    return Receipt(
        code=head["receipt_code"],
        store_no=store_no,
        register_no=register_no,
        sold_at=head["sold_at"],
        lines=tuple(_sold_line(SimpleNamespace(**row)) for row in lines),
        tenders=tuple(_tender(SimpleNamespace(**row)) for row in tenders),
        customer_id=head["customer_id"],
        loyalty_tier=head["loyalty_tier"],
        gift_receipt=bool(head["gift_receipt"]),
        order_discount=head["order_discount"],
        sale_id=head["id"],
    )


def _tender(row: Any) -> Tender:
    return Tender(TenderKind(row.kind), row.amount, row.card_last4, row.reference)


@dataclass
class _Reader:
    """Prepared lookups for one engine, and the register -> (store, register) numbers."""

    sqlite: bool
    sale: fastread.Query
    lines: fastread.Query
    tenders: fastread.Query
    registers: dict[int, tuple[int, int]] = field(default_factory=dict)

    def register_numbers(self, engine: Engine, register_id: int) -> tuple[int, int]:
        if register_id not in self.registers:  # a register imported since: reload them
            with read_only(engine) as session:
                rows = session.exec(
                    select(Register.id, Store.number, Register.number).join(
                        Store, col(Store.id) == col(Register.store_id)
                    )
                ).all()
            self.registers = {rid: (store_no, reg_no) for rid, store_no, reg_no in rows}
        return self.registers.get(register_id, (0, 0))


_READERS: WeakKeyDictionary[Engine, _Reader] = WeakKeyDictionary()


def _reader(engine: Engine) -> _Reader:
    reader = _READERS.get(engine)
    if reader is None:
        tables, dialect = SQLModel.metadata.tables, engine.dialect
        reader = _Reader(
            sqlite=dialect.name == "sqlite",
            sale=fastread.prepare(dialect, tables["sale"], "receipt_code"),
            lines=fastread.prepare(dialect, tables["sale_line"], "sale_id", "line_no"),
            tenders=fastread.prepare(dialect, tables["tender"], "sale_id", "seq"),
        )
        _READERS[engine] = reader
    return reader


def load_receipt(session: Session, sale: Sale) -> Receipt:
    """Build the domain receipt (lines with what is already returned, tenders) for a sale."""
    store = session.get(Store, sale.store_id)
    register = session.get(Register, sale.register_id)
    lines = session.exec(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(col(SaleLine.line_no))
    ).all()
    tenders = session.exec(
        select(TenderRow).where(TenderRow.sale_id == sale.id).order_by(col(TenderRow.seq))
    ).all()
    return Receipt(
        code=sale.receipt_code,
        store_no=store.number if store else 0,
        register_no=register.number if register else 0,
        sold_at=sale.sold_at,
        lines=tuple(_sold_line(line) for line in lines),
        tenders=tuple(_tender(t) for t in tenders),
        customer_id=sale.customer_id,
        loyalty_tier=sale.loyalty_tier,
        gift_receipt=sale.gift_receipt,
        order_discount=sale.order_discount,
        sale_id=sale.id,
    )


def _sold_line(row: Any) -> SoldLine:
    """A sold line from a table row or an ORM object (same attribute names)."""
    return SoldLine(
        line_no=row.line_no,
        sku=row.sku,
        description=row.description,
        department=row.department,
        category=row.category,
        qty=row.qty,
        unit_price=row.unit_price,
        line_discount=row.line_discount,
        order_discount_share=row.order_discount_share,
        tax_rate=row.tax_rate,
        tax_charged=row.tax_charged,
        serial=row.serial,
        serialized=row.serialized,
        final_sale=row.final_sale,
        qty_returned=row.qty_returned,
        delivered_on=row.delivered_on,
        line_id=row.id,
    )
