"""Hot-path reads on the bare driver, converted by the columns' own types.

SQLAlchemy's per-statement work costs more than an indexed SQLite lookup itself, so the
counter's receipt lookup prepares its SQL once per dialect and runs it on the DBAPI
cursor. Values still go through each column type's result processor (the Money, Rate and
UTCDateTime decorators), so conversions stay defined in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Query:
    """SELECT of a table's columns by one key column, ready for one dialect."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Processor, ...]

    def convert(self, row: Sequence[Any]) -> dict[str, Any]:
        return {
            name: (proc(value) if proc else value)
            for name, proc, value in zip(self.names, self.processors, row, strict=True)
        }


def prepare(dialect: Dialect, table: Table, key: str, order_by: str | None = None) -> Query:
    """Build the SQL text and converters for ``SELECT * FROM table WHERE key = ?``."""
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = list(table.columns)
    sql = (
        f"SELECT {', '.join(quote(c.name) for c in columns)} FROM {quote(table.name)} "
        f"WHERE {quote(key)} = {mark}"
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
