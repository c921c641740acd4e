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
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from returns_desk.domain.quick import builder
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind
from returns_desk.store import fastread
from returns_desk.store.db import read_only
from returns_desk.store.models import Register, Store

Rows = list[Any]  # the driver's rows, as it gives them
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
    fairy = session.connection().connection
    if reader.sqlite:
        heads, lines, tenders = reader.queries(fairy.cursor(), code)
    else:  # in one round trip, as a lookup does: the transaction holds its locks meanwhile
        heads, lines, tenders = reader.pipeline(fairy.dbapi_connection, code)
    return reader.build(heads, lines, tenders, lambda: _register_numbers(session))


def _register_numbers(session: Session) -> NumberRows:
    """Every register's id with its store's number and its own."""
    rows = session.exec(
        select(Register.id, Store.number, Register.number).join(
            Store, col(Store.id) == col(Register.store_id)
        )
    ).all()
    return [(rid or 0, store_no, number) for rid, store_no, number in rows]


# The columns read, in the order the domain objects take them: a sale line's are SoldLine's
# fields (its ``line_id`` is the row's id), a tender's are Tender's.
HEAD = (
    "id", "receipt_code", "register_id", "sold_at", "customer_id", "loyalty_tier",
    "gift_receipt", "order_discount", "rewards_earned", "rewards_spent", "points_earned",
)  # fmt: skip
LINE = tuple("id" if f.name == "line_id" else f.name for f in fields(SoldLine))
TENDER = ("kind", "amount", "card_last4", "reference", "card_brand")
_KINDS = {kind.value: kind for kind in TenderKind}  # a dict lookup is quicker than the enum's
_RECEIPT = builder(Receipt)  # every field given, in the class's order


@dataclass
class _Reader:
    """Prepared lookups for one engine, and the register -> (store, register) numbers."""

    sqlite: bool
    sale: fastread.Query
    lines: fastread.Query
    tenders: fastread.Query
    by_code: tuple[fastread.Query, fastread.Query]  # lines, tenders by the receipt code
    registers: dict[int, tuple[int, int]] = field(default_factory=dict)
    _own: Any = None  # a connection of the reader's own, outside the pool
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, engine: Engine, code: str) -> tuple[Rows, Rows, Rows]:
        """The sale, its lines and its tenders.

        The pool's checkout (with its ping) and reset cost as much as the three queries, so
        lookups keep one connection of their own; they take a fraction of a millisecond, so
        a lock is no queue. SQLite reads the three in one read transaction. PostgreSQL sends
        them together (a pipeline: one round trip instead of three, the lines and tenders
        found by the code), each in its own snapshot as the pool's connection gave them.
        """
        with self._lock:
            if self._own is None:
                fairy = engine.raw_connection()
                fairy.detach()
                self._own = fairy.dbapi_connection
                if not self.sqlite:
                    self._own.autocommit = True
                weakref.finalize(self, self._own.close)
            if not self.sqlite:
                return self._pipelined(code)
            cursor = self._own.cursor()
            try:
                cursor.execute("BEGIN")
                return self.queries(cursor, code)
            finally:
                self._own.rollback()

    def _pipelined(self, code: str) -> tuple[Rows, Rows, Rows]:
        conn = self._own
        try:
            return self.pipeline(conn, code)
        except Exception:
            self._own = None  # a broken connection: the next lookup opens another
            conn.close()
            raise

    def pipeline(self, conn: Any, code: str) -> tuple[Rows, Rows, Rows]:
        """The three reads sent together on a PostgreSQL connection (one round trip), the
        lines and tenders found by the receipt code."""
        with conn.pipeline():
            cursors = [conn.cursor() for _ in range(3)]
            for cursor, query in zip(cursors, (self.sale, *self.by_code), strict=True):
                cursor.execute(query.sql, (code,))
        heads, lines, tenders = (cursor.fetchall() for cursor in cursors)
        return heads, lines, tenders

    def queries(self, cursor: Any, code: str) -> tuple[Rows, Rows, Rows]:
        """The three reads' rows as the driver gives them (:meth:`build` converts them)."""
        try:
            cursor.execute(self.sale.sql, (code,))
            heads = cursor.fetchall()
            if not heads:
                return [], [], []
            sale_id = (heads[0][0],)
            cursor.execute(self.lines.sql, sale_id)
            lines = cursor.fetchall()
            cursor.execute(self.tenders.sql, sale_id)
            return heads, lines, cursor.fetchall()
        finally:
            cursor.close()

    def build(
        self, heads: Rows, lines: Rows, tenders: Rows, numbers: Callable[[], NumberRows]
    ) -> Receipt | None:
        """The domain receipt from the three reads (None: no such sale)."""
        if not heads:
            return None
        (sale_id, code, register_id, sold_at, customer_id, tier, gift, discount, earned,
         spent, points) = self.sale.values(heads[0])  # fmt: skip
        if register_id not in self.registers:  # a register imported since: reload
            self.registers = {rid: (store, reg) for rid, store, reg in numbers()}
        store_no, register_no = self.registers.get(register_id, (0, 0))
        line, tender = self.makers
        return _RECEIPT(
            code=code, store_no=store_no, register_no=register_no, sold_at=sold_at,
            lines=tuple([line(*row) for row in lines]),
            tenders=tuple([tender(*row) for row in tenders]),
            customer_id=customer_id, loyalty_tier=tier, gift_receipt=bool(gift),
            order_discount=discount, sale_id=sale_id, extra={}, rewards_earned=earned,
            rewards_spent=spent, points_earned=points or 0,
        )  # fmt: skip

    @cached_property
    def makers(self) -> tuple[Callable[..., SoldLine], Callable[..., Tender]]:
        """A sold line and a tender from their rows, each value through its column type."""
        kind = self.tenders.processors[0]
        kinds: fastread.Processor = _KINDS.__getitem__
        if kind is not None:  # a driver that gives the kind as something else first
            kinds = lambda value: _KINDS[kind(value)]  # noqa: E731
        return (
            builder(SoldLine, self.lines.processors),
            builder(Tender, (kinds, *self.tenders.processors[1:])),
        )


_READERS: WeakKeyDictionary[Engine, _Reader] = WeakKeyDictionary()


def _reader(engine: Engine) -> _Reader:
    reader = _READERS.get(engine)
    if reader is None:
        tables, dialect = SQLModel.metadata.tables, engine.dialect
        sale, line, tender = tables["sale"], tables["sale_line"], tables["tender"]
        by_code = ("sale", "id", "receipt_code")
        reader = _Reader(
            sqlite=dialect.name == "sqlite",
            sale=fastread.prepare(dialect, sale, "receipt_code", names=HEAD),
            lines=fastread.prepare(dialect, line, "sale_id", "line_no", names=LINE),
            tenders=fastread.prepare(dialect, tender, "sale_id", "seq", names=TENDER),
            by_code=(
                fastread.prepare(dialect, line, "sale_id", "line_no", LINE, by_code),
                fastread.prepare(dialect, tender, "sale_id", "seq", TENDER, by_code),
            ),
        )
        _READERS[engine] = reader
    return reader
