"""Tampering with the audit trail as the database's owner can: the tests' attacker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine


@contextmanager
def database_owner(engine: Engine) -> Iterator[Connection]:
    """A connection with the append-only guard switched off first, as the table's owner
    (a DBA) can do: PostgreSQL's triggers disabled, SQLite's dropped."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            yield conn
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            yield conn
