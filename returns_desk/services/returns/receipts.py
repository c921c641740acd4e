"""Find a receipt by its code and hand it to the counter as a domain :class:`Receipt`."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from operator import attrgetter, itemgetter
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

Field = Callable[[str], Any]  # a row's value by column name
Rows = list[dict[str, Any]]


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why.

    The counter's hottest path: three indexed queries on the bare driver in one read
    transaction (see store/fastread.py), converted by the tables' own column types.
    """
    code = parse_receipt_code(text)
    reader = _reader(engine)
    heads, lines, tenders = reader.read(engine, code.digits)
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
        lines=tuple(_sold_line(_line_items(row)) for row in lines),
        tenders=tuple(_tender(row.__getitem__) for row in tenders),
        customer_id=head["customer_id"],
        loyalty_tier=head["loyalty_tier"],
        gift_receipt=bool(head["gift_receipt"]),
        order_discount=head["order_discount"],
        sale_id=head["id"],
        rewards_earned=head["rewards_earned"],
        rewards_spent=head["rewards_spent"],
        points_earned=head["points_earned"] or 0,
    )


def _tender(get: Field) -> Tender:
    return Tender(
        TenderKind(get("kind")), get("amount"), get("card_last4"), get("reference"),
        get("card_brand"),
    )  # fmt: skip


@dataclass
class _Reader:
    """Prepared lookups for one engine, and the register -> (store, register) numbers."""

    sqlite: bool
    sale: fastread.Query
    lines: fastread.Query
    tenders: fastread.Query
    registers: dict[int, tuple[int, int]] = field(default_factory=dict)
    _own: Any = None  # SQLite: a connection of the reader's own, outside the pool
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, engine: Engine, code: str) -> tuple[Rows, Rows, Rows]:
        """The sale, its lines and its tenders, read in one transaction."""
        if not self.sqlite:
            conn = engine.raw_connection()
            try:
                return self._queries(conn.cursor(), code)
            finally:
                conn.close()  # the pool rolls the read transaction back
        # On SQLite the pool's checkout and reset cost as much as the three queries: keep
        # one connection for lookups (they take a fraction of a millisecond, so a lock is
        # no queue) and end each read transaction ourselves.
        with self._lock:
            if self._own is None:
                fairy = engine.raw_connection()
                fairy.detach()
                self._own = fairy.dbapi_connection
                weakref.finalize(self, self._own.close)
            cursor = self._own.cursor()
            try:
                cursor.execute("BEGIN")
                return self._queries(cursor, code)
            finally:
                self._own.rollback()

    def _queries(self, cursor: Any, code: str) -> tuple[Rows, Rows, Rows]:
        try:
            heads = fastread.run(cursor, self.sale, code)
            if not heads:
                return [], [], []
            sale_id = heads[0]["id"]
            return (
                heads,
                fastread.run(cursor, self.lines, sale_id),
                fastread.run(cursor, self.tenders, sale_id),
            )
        finally:
            cursor.close()

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


def load_receipt(
    session: Session, sale: Sale, tenders: Sequence[TenderRow] | None = None
) -> Receipt:
    """Build the domain receipt (lines with what is already returned, tenders) for a sale;
    ``tenders``: its tender rows in order, when the caller has already read (locked) them."""
    store = session.get(Store, sale.store_id)
    register = session.get(Register, sale.register_id)
    lines = session.exec(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(col(SaleLine.line_no))
    ).all()
    if tenders is None:
        tenders = session.exec(
            select(TenderRow).where(TenderRow.sale_id == sale.id).order_by(col(TenderRow.seq))
        ).all()
    return Receipt(
        code=sale.receipt_code,
        store_no=store.number if store else 0,
        register_no=register.number if register else 0,
        sold_at=sale.sold_at,
        lines=tuple(_sold_line(_line_attrs(line)) for line in lines),
        tenders=tuple(_tender(partial(getattr, t)) for t in tenders),
        customer_id=sale.customer_id,
        loyalty_tier=sale.loyalty_tier,
        gift_receipt=sale.gift_receipt,
        order_discount=sale.order_discount,
        sale_id=sale.id,
        rewards_earned=sale.rewards_earned,
        rewards_spent=sale.rewards_spent,
        points_earned=sale.points_earned or 0,
    )


# SoldLine's fields in order, by the sale_line column that holds each (same names but id)
_LINE_COLUMNS = tuple("id" if f.name == "line_id" else f.name for f in fields(SoldLine))
_line_items, _line_attrs = itemgetter(*_LINE_COLUMNS), attrgetter(*_LINE_COLUMNS)


def _sold_line(values: tuple[Any, ...]) -> SoldLine:
    """A sold line from a sale_line row's values in ``_LINE_COLUMNS`` order, taken from a
    fast-read row (``_line_items``) or an ORM object (``_line_attrs``)."""
    return SoldLine(*values)
