"""A transaction's last statement and its COMMIT in one round trip, on PostgreSQL.

The audit chain's head is locked from the moment a register reads it until its transaction
commits, and every register's commit queues on it. With the events written by one
statement and the COMMIT after it, the head is held for three round trips; sent together
(psycopg's pipeline mode) for two. At 16 registers on two cores each round trip is a wait
for a core, so this is a third off the time every other register queues.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session


def execute_and_commit(session: Session, statement: TextClause, values: Mapping[str, Any]) -> None:
    """Run ``statement`` with ``values`` and COMMIT, together, on the session's connection.

    Only as the transaction's very last write, from a ``before_commit`` hook once everything
    else is flushed: the session's own COMMIT then finds nothing left to do. A failure is
    raised as SQLAlchemy raises one (a ``DBAPIError`` carrying the driver's error and
    whether the connection was lost), so retrying and ``unit_of_work`` treat it as usual.
    """
    conn = session.connection()
    sql, processors = _compiled(statement, conn.dialect)
    params = {name: (process(values[name]) if process else values[name])
              for name, process in processors.items()}  # fmt: skip
    raw = conn.connection.dbapi_connection
    assert raw is not None  # a live connection: the session just used it
    try:
        with raw.pipeline():
            raw.execute(sql, params)
            raw.commit()
    except raw.Error as exc:
        raise DBAPIError.instance(
            sql, params, exc, raw.Error, connection_invalidated=bool(raw.closed)
        ) from exc


@functools.cache
def _compiled(statement: TextClause, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The statement's SQL in the driver's style, and each parameter's conversion by its
    column type (built once per statement)."""
    compiled = statement.compile(dialect=dialect)
    processors = {name: bind.type.bind_processor(dialect) for name, bind in compiled.binds.items()}
    return compiled.string, processors
