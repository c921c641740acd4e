"""One engine per app, one session per unit of work.

SQLite in the user's data folder by default; ``DATABASE_URL`` (for example
``postgresql+psycopg://user@127.0.0.1/desk``) switches to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def default_database_url() -> str:
    """``DATABASE_URL`` if set, else a SQLite file in the platform's user data folder."""
    from returns_desk.settings import load_settings

    settings = load_settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.data_folder / 'desk.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL so a register reading never blocks one writing, wait on locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    """Take the write lock when a unit of work starts, so two registers serialise cleanly.

    A :func:`snapshot` read asks for a deferred transaction instead: WAL gives it a stable
    view without holding the write lock for as long as it reads.
    """
    deferred = conn.get_execution_options().get("sqlite_deferred", False)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: :func:`default_database_url`)."""
    url = url or default_database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session that commits only if the block finishes; anything else rolls back whole."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_only(engine: Engine) -> Iterator[Session]:
    """A session for looking things up; never commits. Objects stay readable after it closes.

    On SQLite it reads in a deferred transaction, so a lookup never holds the write lock
    a register completing a return needs.
    """
    bound = (
        engine.execution_options(sqlite_deferred=True)
        if engine.dialect.name == "sqlite"
        else engine
    )
    with Session(bound, expire_on_commit=False) as session:
        yield session


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A long read (an export) that sees one consistent state and never blocks a register.

    On SQLite the transaction is deferred rather than taking the write lock; on PostgreSQL
    it is REPEATABLE READ, so counts, rows and chain head agree with one another.
    """
    if engine.dialect.name == "sqlite":
        bound = engine.execution_options(sqlite_deferred=True)
    else:
        bound = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(bound, expire_on_commit=False) as session:
        yield session
