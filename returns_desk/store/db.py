"""One engine per app, one session per unit of work.

SQLite in the user's data folder by default; ``DATABASE_URL`` (for example
``postgresql+psycopg://user@127.0.0.1/desk``) switches to PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
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


def private_sqlite_file(database: str | None) -> None:
    """Make the SQLite file (and any WAL/SHM beside it) readable by its owner only.

    SQLite creates its WAL and SHM files with the database file's permissions, so creating
    the file 0600 before the first connection is enough; older files are tightened.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir() and not path.exists():
        with suppress(FileExistsError):  # another register made it just now
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except OSError:  # missing, or not ours to change: SQLite reports what matters
            pass


def make_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: :func:`default_database_url`)."""
    url = url or default_database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        private_sqlite_file(engine.url.database)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(url)
    _ping_when_idle(engine)
    return engine


IDLE_PING_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while.

    A connection can die while idle (the server restarted, a firewall dropped it); the pool
    then swaps it for a fresh one. ``pool_pre_ping`` checks on every checkout, which costs a
    round trip per completed return at a busy register; one used a moment ago is taken as
    it is. If it died meanwhile all the same, the unit of work fails before anything is
    saved and :func:`retrying` runs it again on a fresh connection.
    """

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("used_at", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool connects afresh on this error
            raise DisconnectionError(f"an idle connection was lost: {exc}") from exc


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session that commits only if the block finishes; anything else rolls back whole."""
    from sqlalchemy.exc import DBAPIError

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        try:
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if exc.connection_invalidated:  # during COMMIT, perhaps after the server saved it
                raise SaveUncertain(
                    "the connection to the database was lost while saving, so it may have "
                    "been saved or not: look it up before doing it again"
                ) from exc
            raise
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


# Retrying a whole unit of work ------------------------------------------------------------

ATTEMPTS = 6
_PG_TRANSIENT = {
    "40001": "two registers changed the same rows at once",  # serialization_failure
    "40P01": "two registers waited on each other",  # deadlock_detected
    "23505": "another register wrote the same record at the same moment",  # unique_violation
}
_SQLITE_BUSY = {
    5,
    6,
    261,
    262,
    517,
}  # BUSY, LOCKED, BUSY_RECOVERY, LOCKED_SHAREDCACHE, BUSY_SNAPSHOT


P = ParamSpec("P")
T = TypeVar("T")


class DatabaseBusy(RuntimeError):
    """A unit of work kept colliding with other registers; nothing of it was saved."""


class SaveUncertain(RuntimeError):
    """The connection was lost during COMMIT: the server may have saved the unit of work.
    Never tried again on its own (it could happen twice)."""


def transient(exc: BaseException) -> str | None:
    """Why ``exc`` is worth trying again (another register's transaction got in the way).

    PostgreSQL: serialization failures, deadlocks, and unique violations (a re-run sees the
    other register's committed row and takes the ordinary path). SQLite: a busy or locked
    database (the write lock stayed taken longer than the busy timeout, or a read
    transaction's snapshot went stale before it could write).
    """
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return None
    if exc.connection_invalidated:  # before COMMIT (see unit_of_work): nothing was saved
        return "the connection to the database was lost"
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _PG_TRANSIENT:
        return _PG_TRANSIENT[sqlstate]
    if getattr(exc.orig, "sqlite_errorcode", None) in _SQLITE_BUSY:
        return "the database was busy with other registers"
    return None


def retrying(work: Callable[P, T]) -> Callable[P, T]:
    """Run a use case again (a bounded number of times) when its transaction collided.

    The use case must do all its writing in units of work that roll back whole, so a
    re-run starts clean. After :data:`ATTEMPTS` collisions it raises :class:`DatabaseBusy`,
    whose message is for the person at the desk.
    """

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return work(*args, **kwargs)
            except Exception as exc:
                why = transient(exc)
                if why is None:
                    raise
                if attempt == ATTEMPTS:
                    raise DatabaseBusy(
                        f"the database stayed busy ({why}); nothing was saved: try again"
                    ) from exc
                # Jittered, growing pause so colliding registers do not collide again.
                time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 (not a secret)
        raise AssertionError("unreachable")

    return run
