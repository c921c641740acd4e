"""Rows written straight to the caller's transaction, past the ORM's unit of work.

Every completed return writes the same few rows (the return, its lines, a voucher, a refund
line). Through the session each costs about three times a plain INSERT in client CPU (the
flush's bookkeeping), and at 16 registers on two cores that CPU is the latency. So those
rows are built as models, as everywhere else, and inserted here: the same columns and
types, with the same rule as a flush (an attribute left None is not sent, so its column
default applies). The object is never added to the session.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table, insert
from sqlalchemy.sql import Executable
from sqlmodel import Session, SQLModel


def insert_row(session: Session, row: SQLModel) -> int:
    """INSERT ``row`` in ``session``'s transaction; returns its id (the caller sets it on
    ``row`` if the database chose it).

    Whatever the session holds pending is flushed first, so rows keep the order the use
    case wrote them in (a foreign key never points at a row not yet written).
    """
    if session.new or session.dirty:
        session.flush()
    table = SQLModel.metadata.tables[str(row.__tablename__)]
    values = {
        column: value
        for column in _columns(table)
        if (value := getattr(row, column, None)) is not None
    }
    returned = session.connection().execute(_statement(table, tuple(values)), values)
    if "id" in values:
        return int(values["id"])
    return int(returned.scalar_one())


@functools.cache
def _columns(table: Table) -> tuple[str, ...]:
    return tuple(table.columns.keys())


@functools.cache
def _statement(table: Table, columns: tuple[str, ...]) -> Executable:
    """One INSERT per table and set of columns given, built once (RETURNING the id when the
    database is to choose it)."""
    statement = insert(table)
    return statement if "id" in columns else statement.returning(table.c.id)
