"""Bulk writes on the bare driver, for journal imports of millions of rows.

Per-row parameter handling in SQLAlchemy's executemany cost more than SQLite's own
inserts, and a RETURNING insert of many sales ran one statement per sale on SQLite. Here
ids are reserved up front, rows become tuples through each column type's own bind
processor (so Money, Rate and UTCDateTime convert exactly as everywhere else), and
PostgreSQL takes them through COPY. The caller's transaction is used: nothing commits here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect

Processor = Callable[[Any], Any] | None
IMPORT_CACHE_MIB = 128
_CONVERTERS: dict[tuple[int, tuple[int, int]], Callable[[Sequence[Any]], tuple[Any, ...]]] = {}


@dataclass(frozen=True)
class BulkInsert:
    """An INSERT of some of a table's columns, ready for one dialect."""

    table: str
    names: tuple[str, ...]
    processors: tuple[Processor, ...]
    sql: str
    copy_sql: str | None

    def row(self, values: Mapping[str, Any]) -> list[Any]:
        """One row as the driver wants it, every value through its column's converter."""
        out = [values[name] for name in self.names]
        for i, proc in enumerate(self.processors):
            if proc is not None:
                out[i] = proc(out[i])
        return out

    def converted(self, values: Sequence[Any], start: int = 0) -> tuple[Any, ...]:
        """Values of the columns ``names[start:]``, in order, through their converters: a
        part of a row made elsewhere (a worker process) and joined to the rest later."""
        return self.converter(start, len(values))(values)

    def converter(self, start: int, count: int) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
        """A function converting the values of ``count`` columns from ``start``: only the
        columns that need it go through a converter (most are integers and text)."""
        key = (start, count)
        found = _CONVERTERS.get((id(self), key))
        if found is not None:
            return found
        steps = [(i, p) for i, p in enumerate(self.processors[start : start + count]) if p]

        def convert(values: Sequence[Any]) -> tuple[Any, ...]:
            out = list(values)
            for i, proc in steps:
                out[i] = proc(out[i])
            return tuple(out)

        _CONVERTERS[(id(self), key)] = convert
        return convert


def prepare_insert(dialect: Dialect, table: Table, names: Iterable[str]) -> BulkInsert:
    """SQL text and converters for inserting ``names`` into ``table``."""
    quote = dialect.identifier_preparer.quote
    names = tuple(names)
    columns = [table.c[name] for name in names]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    column_list = ", ".join(quote(n) for n in names)
    sql = (
        f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({', '.join(mark for _ in names)})"
    )
    copy_sql = (
        f"COPY {quote(table.name)} ({column_list}) FROM STDIN"
        if dialect.name == "postgresql"
        else None
    )
    processors = tuple(c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns)
    return BulkInsert(table.name, names, processors, sql, copy_sql)


def insert_many(conn: Connection, insert: BulkInsert, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` in the connection's open transaction; returns how many."""
    return insert_rows(conn, insert, [insert.row(r) for r in rows])


def insert_rows(conn: Connection, insert: BulkInsert, rows: Sequence[Sequence[Any]]) -> int:
    """Write rows already converted (see :meth:`BulkInsert.converted`); returns how many."""
    if not rows:
        return 0
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        if insert.copy_sql:
            with cursor.copy(insert.copy_sql) as copy:
                for values in rows:
                    copy.write_row(values)
        else:
            cursor.executemany(insert.sql, rows)
    finally:
        cursor.close()
    return len(rows)


def select_in(
    conn: Connection,
    table: Table,
    key: str,
    keys: Sequence[Any],
    names: tuple[str, ...],
    batch: int = 500,
) -> list[tuple[Any, ...]]:
    """``names`` of the rows whose ``key`` is one of ``keys``, raw (no conversion), in the
    connection's open transaction. A journal import asks this of 2,000 batches of receipt
    codes per million: compiling each query in SQLAlchemy (500 bound values) cost more
    than the database answering it."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    head = f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(table.name)} WHERE "
    found: list[tuple[Any, ...]] = []
    cursor = raw.cursor()
    try:
        for i in range(0, len(keys), batch):
            part = list(keys[i : i + batch])
            cursor.execute(f"{head}{quote(key)} IN ({', '.join([mark] * len(part))})", part)
            found.extend(tuple(row) for row in cursor.fetchall())
    finally:
        cursor.close()
    return found


@contextmanager
def large_page_cache(conn: Connection, mib: int = IMPORT_CACHE_MIB) -> Iterator[None]:
    """SQLite: a page cache of ``mib`` for a bulk write on this connection, then its own
    again. With SQLite's default 2 MiB, a million receipts' indexes (receipt codes,
    customers, times, card digits, in no order) no longer fit, and every insert reads and
    spills pages. PostgreSQL: nothing (its buffers are the server's)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    (before,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(mib) * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` new primary keys for ``table``, for rows about to be inserted with them.

    SQLite: the unit of work already holds the write lock, so the next ids after the
    largest are ours alone. PostgreSQL: the serial column's own sequence hands them out.
    """
    if count <= 0:
        return []
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        sql = (
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            f"FROM generate_series(1, {int(count)})"
        )
        return [int(v) for (v,) in conn.exec_driver_sql(sql)]
    (top,) = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {quote(table.name)}").one()
    return list(range(int(top) + 1, int(top) + 1 + count))
