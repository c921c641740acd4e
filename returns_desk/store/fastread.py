"""Hot-path reads on the bare driver, converted by the columns' own types.

SQLAlchemy's per-statement work costs more than an indexed SQLite lookup itself, so the
counter's receipt lookup prepares its SQL once per dialect and runs it on the DBAPI
cursor. Values still go through each column type's result processor (the Money, Rate and
UTCDateTime decorators), so conversions stay defined in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select

Processor = Callable[[Any], Any] | None
MAPPED = 1 << 30  # bytes of an SQLite file a long read maps (see mapped)


@dataclass(frozen=True)
class Query:
    """SELECT of a table's columns by one key column, ready for one dialect."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Processor, ...]

    def convert(self, row: Sequence[Any]) -> dict[str, Any]:
        values = list(row)
        for i, proc in self.converting:
            values[i] = proc(values[i])
        return dict(zip(self.names, values, strict=True))

    def values(self, row: Sequence[Any]) -> list[Any]:
        """The row's values in column order, converted (no names: the quick form)."""
        values = list(row)
        for i, proc in self.converting:
            values[i] = proc(values[i])
        return values

    @cached_property
    def converting(self) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        """Only the columns that need converting (most are plain integers and text)."""
        return tuple((i, proc) for i, proc in enumerate(self.processors) if proc is not None)


def prepare(
    dialect: Dialect,
    table: Table,
    key: str,
    order_by: str | None = None,
    names: Sequence[str] | None = None,
    key_from: tuple[str, str, str] | None = None,
) -> Query:
    """Build the SQL text and converters for ``SELECT * FROM table WHERE key = ?``.

    ``names``: only these columns, in this order. ``key_from`` (table, column, by): the key
    looked up by another column of another table in the same statement
    (``sale_id = (SELECT id FROM sale WHERE receipt_code = ?)``), so queries that would
    wait for each other's answers can go to the server together."""
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = [table.c[n] for n in names] if names else list(table.columns)
    where = f"{quote(key)} = {mark}"
    if key_from is not None:
        other, column, by = (quote(n) for n in key_from)
        where = f"{quote(key)} = (SELECT {column} FROM {other} WHERE {by} = {mark})"
    sql = (
        f"SELECT {', '.join(quote(c.name) for c in columns)} FROM {quote(table.name)} WHERE {where}"
    )
    if order_by:
        sql += f" ORDER BY {quote(order_by)}"
    processors = tuple(
        c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
    )
    return Query(sql, tuple(c.name for c in columns), processors)


def run(cursor: Any, query: Query, key: Any) -> list[dict[str, Any]]:
    """Execute a prepared query for ``key`` and convert every row."""
    cursor.execute(query.sql, (key,))
    return [query.convert(row) for row in cursor.fetchall()]


def run_values(cursor: Any, query: Query, key: Any) -> list[list[Any]]:
    """As :func:`run`, each row a list of its values in the query's column order."""
    cursor.execute(query.sql, (key,))
    return [query.values(row) for row in cursor.fetchall()]


def stream(
    conn: Connection,
    stmt: Select[Any],
    batch: int,
    *,
    text: bool = False,
    name: str = "returns_desk_stream",
    memo: bool = False,
) -> Iterator[list[Any]]:
    """Rows of a long SELECT, ``batch`` at a time, each value through its column's type.

    For exports of millions of rows: SQLAlchemy compiles the statement and converts every
    value (bind and result processors), but rows skip its Result layer. PostgreSQL reads
    through a server-side cursor (two streams read together each need their own ``name``),
    so memory stays flat on both backends. ``text``: values as a text file writes them,
    straight from the driver's (a column type's ``text_processor``: cents to ``"12.50"``, a
    stored time to ISO 8601 in UTC), skipping the Decimal and datetime a CSV would only
    turn back into text. ``memo``: convert each distinct raw value once (a sale's time on
    each of its lines, prices that repeat); only for columns whose values are immutable.
    """
    for _, rows in stream_batches(conn, stmt, batch, text=text, name=name, memo=memo):
        yield from rows


def stream_batches(
    conn: Connection,
    stmt: Select[Any],
    batch: int,
    *,
    text: bool = False,
    name: str = "returns_desk_stream",
    memo: bool = False,
) -> Iterator[tuple[int, Iterator[list[Any]]]]:
    """As :func:`stream`, a batch at a time: how many rows, and the rows converted as they
    are taken, for a writer that takes them all in one call (``csv.writer.writerows``).
    On a million rows, the calls of a loop per row cost as much as the database's own
    reading. Each row is dropped once written: holding a batch of them made the garbage
    collector walk them all, again and again."""
    dialect = conn.dialect
    procs = [
        (i, proc)
        for i, column in enumerate(stmt.selected_columns)
        if (proc := _processor(column.type.dialect_impl(dialect), dialect, text))
    ]
    if memo:
        procs = [(i, _remembered(proc)) for i, proc in procs]
    for rows in raw_batches(conn, stmt, batch, name=name):
        yield len(rows), _converted(rows, procs)


def raw_batches(
    conn: Connection, stmt: Select[Any], batch: int, *, name: str = "returns_desk_stream"
) -> Iterator[list[Any]]:
    """The driver's rows of ``stmt``, ``batch`` at a time, as it gives them (the bound
    values go through their types, as SQLAlchemy would send them)."""
    dialect = conn.dialect
    compiled = stmt.compile(dialect=dialect)
    params: dict[str, Any] = {}
    for key, value in compiled.construct_params().items():
        proc = compiled.binds[key].type.dialect_impl(dialect).bind_processor(dialect)
        params[key] = proc(value) if proc else value
    args: Any = (
        tuple(params[n] for n in compiled.positiontup or ()) if compiled.positional else params
    )
    raw = conn.connection.dbapi_connection
    assert raw is not None
    postgres = dialect.name == "postgresql"
    cursor = raw.cursor(name=name) if postgres else raw.cursor()
    try:
        cursor.execute(str(compiled), args)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


@contextmanager
def mapped(conn: Connection, size: int = MAPPED) -> Iterator[None]:
    """On SQLite, read the database file through a memory map while the block runs.

    Without it every page SQLite's small cache misses is a ``read`` system call and a copy;
    a long read of recent history (the policy replay: a million lines and their sales)
    spent a fifth of its reading in them. Only the first ``size`` bytes of the file are
    mapped; the rest is read as before. The mapped pages are the file's own (the kernel's
    page cache), not the process's memory. Other backends: nothing changes."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.dbapi_connection
    before = raw.execute("PRAGMA mmap_size").fetchone()[0]
    raw.execute(f"PRAGMA mmap_size={int(size)}")
    try:
        yield
    finally:  # a broken connection's own error is the one to see (mapped or not, it is safe)
        with suppress(conn.dialect.loaded_dbapi.Error):
            raw.execute(f"PRAGMA mmap_size={int(before)}")


def processors(dialect: Dialect, columns: Sequence[Any], text: bool = False) -> list[Processor]:
    """Each column's result processor on ``dialect`` (None: the driver's value as it is),
    for rows of :func:`raw_batches` converted by the caller."""
    selected = select(*columns).selected_columns
    return [_processor(c.type.dialect_impl(dialect), dialect, text) for c in selected]


def _remembered(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``proc`` converting each distinct value once (at most 65,536 kept at a time)."""
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= 65536:
                seen.clear()
            found = seen[value] = proc(value)
            return found

    return convert


def _converted(
    rows: list[Any], procs: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[list[Any]]:
    for row in rows:
        values = list(row)
        for i, proc in procs:
            values[i] = proc(values[i])
        yield values


def _processor(impl: Any, dialect: Dialect, text: bool) -> Processor:
    if text and hasattr(impl, "text_processor"):
        found: Processor = impl.text_processor(dialect)
        return found
    return impl.result_processor(dialect, None)  # type: ignore[no-any-return]
