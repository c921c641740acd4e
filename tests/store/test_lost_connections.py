"""A connection that died while idle is found before use; one lost mid-way through a unit
of work costs nothing (it is run again); one lost during COMMIT is said plainly, never
run again on its own, as the server may have saved it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from returns_desk.services.trouble import trouble
from returns_desk.store import db
from returns_desk.store.db import SaveUncertain, make_engine, retrying, unit_of_work


def _lost(statement: str) -> OperationalError:
    error = OperationalError(statement, {}, ConnectionError("server closed the connection"))
    error.connection_invalidated = True
    return error


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(url: str, pid: int) -> None:
    other = make_engine(url)
    with other.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


@pytest.fixture
def postgres(engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a PostgreSQL server to cut a connection (set DATABASE_URL)")
    return engine


def test_a_connection_that_died_while_idle_is_replaced_before_use(postgres, monkeypatch):
    first = _backend_pid(postgres)
    _kill(str(postgres.url.render_as_string(hide_password=False)), first)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # it sat idle long enough to be checked
    assert _backend_pid(postgres) != first  # no error: the pool connected afresh


def test_a_use_case_whose_connection_died_under_it_is_run_again(postgres):
    first = _backend_pid(postgres)  # used a moment ago: not checked before use
    _kill(str(postgres.url.render_as_string(hide_password=False)), first)
    calls = []

    @retrying
    def look_up() -> int:
        calls.append(1)
        return _backend_pid(postgres)

    assert look_up() != first and len(calls) == 2


def test_a_connection_lost_during_commit_is_never_run_again(engine, monkeypatch):
    calls = []

    def commit(self) -> None:  # type: ignore[no-untyped-def]
        raise _lost("COMMIT")

    monkeypatch.setattr(db.Session, "commit", commit)

    @retrying
    def complete() -> None:
        calls.append(1)
        with unit_of_work(engine) as session:
            session.execute(text("SELECT 1"))

    with pytest.raises(SaveUncertain, match="may have been saved or not") as caught:
        complete()
    assert len(calls) == 1  # it could have been saved: doing it again could do it twice
    assert trouble(caught.value) == str(caught.value)


def test_a_connection_lost_before_commit_is_run_again(engine):
    calls = []

    @retrying
    def complete() -> str:
        calls.append(1)
        with unit_of_work(engine):
            if len(calls) == 1:
                raise _lost("UPDATE sale_line ...")
        return "done"

    assert complete() == "done" and len(calls) == 2
