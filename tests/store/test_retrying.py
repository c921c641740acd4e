"""A use case that collides with another register's transaction is run again, a bounded
number of times; anything else is not retried, and a lasting collision is said plainly."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from returns_desk.services.trouble import trouble
from returns_desk.store.db import ATTEMPTS, DatabaseBusy, retrying, transient


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


class _SqliteError(Exception):
    sqlite_errorcode = 5  # SQLITE_BUSY


def _collision(sqlstate: str = "40001") -> OperationalError:
    return OperationalError("UPDATE ...", {}, _PgError(sqlstate))


@pytest.mark.parametrize("sqlstate", ["40001", "40P01", "23505"])
def test_collisions_are_retried_until_the_use_case_goes_through(sqlstate):
    calls = []

    @retrying
    def complete() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _collision(sqlstate)
        return "RT-0000001"

    assert complete() == "RT-0000001" and len(calls) == 3


def test_a_collision_that_lasts_is_said_plainly_after_a_bounded_number_of_tries():
    calls = []

    @retrying
    def complete() -> None:
        calls.append(1)
        raise OperationalError("BEGIN IMMEDIATE", {}, _SqliteError("database is locked"))

    with pytest.raises(DatabaseBusy, match="nothing was saved: try again") as caught:
        complete()
    assert len(calls) == ATTEMPTS
    assert trouble(caught.value) == str(caught.value)


def test_other_errors_are_not_retried():
    calls = []

    @retrying
    def complete() -> None:
        calls.append(1)
        raise IntegrityError("INSERT ...", {}, _PgError("23503"))  # a foreign key: a bug

    with pytest.raises(IntegrityError):
        complete()
    assert len(calls) == 1
    assert transient(ValueError("bad input")) is None


def test_a_failing_database_is_named_without_a_traceback():
    said = trouble(OperationalError("SELECT 1", {}, ConnectionError("server closed")))
    assert said and "ConnectionError" in said and "nothing was saved" in said
    assert trouble(ValueError("a clerk's typo")) is None
