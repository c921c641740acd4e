"""Ids reserved before a row is written, so a reference made from the id is written once."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlmodel import Session, SQLModel


def next_id(session: Session, table: type[SQLModel]) -> int:
    """The id the next row of ``table`` gets, taken now inside the caller's unit of work.

    PostgreSQL draws it from the id column's sequence. SQLite has none, but a unit of work
    there holds the database's write lock from its first statement (BEGIN IMMEDIATE), so
    no other register can take the same ``max(id) + 1`` before this one commits.
    """
    name = str(table.__tablename__)
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id'))")
        return int(session.execute(query, {"table": name}).scalar_one())
    column = SQLModel.metadata.tables[name].c.id
    return int(session.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
