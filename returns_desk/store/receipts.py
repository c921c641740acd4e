"""The one way a :class:`Receipt` is read from the database, by its receipt code.

The counter's hottest path: three indexed queries (sale, lines, tenders) on the bare driver
in one read transaction (see store/fastread.py), converted by the tables' own column types.
The same queries run inside a unit of work (:func:`read_receipt_in`), where a completion
sees the lines it has just claimed and the tenders it has locked.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store import fastread
from returns_desk.store.db import read_only
from returns_desk.store.models import Register, Store

Rows = list[dict[str, Any]]
NumberRows = list[tuple[int, int, int]]  # register id, store number, register number


def read_receipt(engine: Engine, code: str) -> Receipt | None:
    """The receipt with these 13 digits, as it stands; None if the journal has no such sale."""
    reader = _reader(engine)
    heads, lines, tenders = reader.read(engine, code)

    def numbers() -> NumberRows:
        with read_only(engine) as session:
            return _register_numbers(session)

    return reader.build(heads, lines, tenders, numbers)


def read_receipt_in(session: Session, code: str) -> Receipt | None:
    """As :func:`read_receipt`, inside the caller's transaction (its claims and locks)."""
    session.flush()
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    reader = _reader(engine)
    heads, lines, tenders = reader.queries(session.connection().connection.cursor(), code)
    return reader.build(heads, lines, tenders, lambda: _register_numbers(session))


def _register_numbers(session: Session) -> NumberRows:
    """Every register's id with its store's number and its own."""
    rows = session.exec(
        select(Register.id, Store.number, Register.number).join(
            Store, col(Store.id) == col(Register.store_id)
        )
    ).all()
    return [(rid or 0, store_no, number) for rid, store_no, number in rows]


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
                return self.queries(conn.cursor(), code)
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
                return self.queries(cursor, code)
            finally:
                self._own.rollback()

    def queries(self, cursor: Any, code: str) -> tuple[Rows, Rows, Rows]:
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

    def build(
        self, heads: Rows, lines: Rows, tenders: Rows, numbers: Callable[[], NumberRows]
    ) -> Receipt | None:
        """The domain receipt from the three reads (None: no such sale)."""
        if not heads:
            return None
        head = heads[0]
        if head["register_id"] not in self.registers:  # a register imported since: reload
            self.registers = {rid: (store, reg) for rid, store, reg in numbers()}
        store_no, register_no = self.registers.get(head["register_id"], (0, 0))
        return Receipt(
            code=head["receipt_code"],
            store_no=store_no,
            register_no=register_no,
            sold_at=head["sold_at"],
            lines=tuple(SoldLine(*_line_values(row)) for row in lines),
            tenders=tuple(
                Tender(
                    TenderKind(t["kind"]),
                    t["amount"],
                    t["card_last4"],
                    t["reference"],
                    t["card_brand"],
                )  # fmt: skip
                for t in tenders
            ),
            customer_id=head["customer_id"],
            loyalty_tier=head["loyalty_tier"],
            gift_receipt=bool(head["gift_receipt"]),
            order_discount=head["order_discount"],
            sale_id=head["id"],
            rewards_earned=head["rewards_earned"],
            rewards_spent=head["rewards_spent"],
            points_earned=head["points_earned"] or 0,
        )


# SoldLine's fields in order, by the sale_line column that holds each (same names but id)
_line_values = itemgetter(*("id" if f.name == "line_id" else f.name for f in fields(SoldLine)))
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
