"""The exchange log's dates are the stores' own calendar days, not UTC days.

The ledger's Mall (store 102) moves to Chicago (UTC-6 in November, UTC-5 before Nov 1),
Downtown (101) stays on UTC; a few returns land near midnight on either side.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from returns_desk.services.audit.exchange_log import DAYS, LogFilters, count_rows
from returns_desk.services.audit.exports import export_exchange_log, preview
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Product, Register, ReturnLine, ReturnTxn, Store, User

CHICAGO = ZoneInfo("America/Chicago")


def _late_return(session, reference: str, store_no: int, when: datetime) -> None:
    store = session.exec(select(Store).where(Store.number == store_no)).one()
    register = session.exec(select(Register).where(Register.store_id == store.id)).first()
    clerk = session.exec(select(User).where(User.username == "sam")).one()
    product = session.exec(select(Product)).first()
    txn = ReturnTxn(
        reference=reference, store_id=store.id, register_id=register.id, clerk_id=clerk.id,
        settlement="store_credit", created_at=when.astimezone(UTC),
    )  # fmt: skip
    session.add(txn)
    session.flush()
    session.add(
        ReturnLine(
            return_id=txn.id,
            product_id=product.id,
            qty=1,
            condition="unopened",
            reason_code="changed_mind",
            outcome="approve",
        )  # fmt: skip
    )


@pytest.fixture
def near_midnight(ledger_engine):
    """The ledger, the Mall in Chicago, and four returns around midnight in early November."""
    with unit_of_work(ledger_engine) as s:
        s.execute(update(Store).where(col(Store.number) == 102).values(timezone="America/Chicago"))
        # Nov 2, 23:30 in Chicago: already Nov 3 (05:30) in UTC.
        _late_return(s, "RT-0000010", 102, datetime(2026, 11, 2, 23, 30, tzinfo=CHICAGO))
        # Nov 1, 23:30 in Chicago (the day daylight saving ends, 25 hours long).
        _late_return(s, "RT-0000011", 102, datetime(2026, 11, 1, 23, 30, tzinfo=CHICAGO))
        # Downtown keeps UTC days: one return either side of its midnight.
        _late_return(s, "RT-0000012", 101, datetime(2026, 11, 2, 23, 50, tzinfo=UTC))
        _late_return(s, "RT-0000013", 101, datetime(2026, 11, 3, 0, 10, tzinfo=UTC))
    return ledger_engine


NOV_2 = LogFilters(date(2026, 11, 2), date(2026, 11, 2))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"store": 102}, ["RT-0000010"]),  # its Nov 2, though UTC says Nov 3
        ({"store": 101}, ["RT-0000012"]),
        ({}, ["RT-0000012", "RT-0000010"]),  # each return by its own store's day, time order
        (
            {"store": 102, "date_from": date(2026, 11, 1), "date_to": date(2026, 11, 1)},
            ["RT-0000011"],
        ),  # fmt: skip
        ({"date_from": date(2026, 11, 3), "date_to": date(2026, 11, 3)}, ["RT-0000013"]),
        ({"store": 999}, []),
    ],
)
def test_a_day_is_the_stores_own_calendar_day(near_midnight, as_user, change, expected):
    filters = replace(NOV_2, **change)
    rows = preview(near_midnight, as_user("avi"), filters)
    assert [r.return_ref for r in rows] == expected
    with read_only(near_midnight) as session:
        assert count_rows(session, filters) == len(expected)


def test_the_manifest_says_which_days_the_dates_are(near_midnight, as_user, tmp_path):
    result = export_exchange_log(near_midnight, as_user("avi"), NOV_2, "csv", tmp_path / "x.csv")
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["rows"] == 2
    assert (
        manifest["filters"]["days"]
        == DAYS
        == ("each return's store's local calendar days, both ends included")
    )
