"""A newcomer finds a receipt to try: the latest ones, or by customer, day, item or card.
A customer's sales need a clerk's or manager's log-in; anyone else sees ids masked."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.codes import parse_receipt_code
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Sale, SaleLine, Store

runner = CliRunner()
WIDE = {"COLUMNS": "160"}


def _pretty(code: str) -> str:
    return parse_receipt_code(code).pretty()


def _sales(engine):
    with read_only(engine) as session:
        return session.exec(select(Sale).order_by(Sale.sold_at.desc())).all()


def test_list_shows_the_latest_receipts_with_ids_masked(demo_engine):
    result = runner.invoke(app, ["receipt", "list", "--recent", "--limit", "3"], env=WIDE)
    assert result.exit_code == 0, result.output
    latest = _sales(demo_engine)[:3]
    shown = [line.split()[0] for line in result.output.splitlines() if line[:4].strip().isdigit()]
    assert shown == [_pretty(s.receipt_code) for s in latest]
    for sale in latest:
        if sale.customer_id:
            assert sale.customer_id not in result.output and f"***{sale.customer_id[-2:]}" in (
                result.output
            )


def test_the_oldest_receipts_are_there_to_try_a_late_return(demo_engine):
    result = runner.invoke(app, ["receipt", "list", "--oldest", "--limit", "1"], env=WIDE)
    assert result.exit_code == 0 and _pretty(_sales(demo_engine)[-1].receipt_code) in result.output


def test_find_by_item_and_day(demo_engine):
    with read_only(demo_engine) as session:
        line = session.exec(select(SaleLine).order_by(SaleLine.id)).first()
        sale = session.get(Sale, line.sale_id)
        zone = ZoneInfo(session.get(Store, sale.store_id).timezone)
    by_sku = runner.invoke(app, ["receipt", "find", "--sku", line.sku.lower()], env=WIDE)
    assert by_sku.exit_code == 0, by_sku.output
    assert _pretty(sale.receipt_code) in by_sku.output
    rows = [r for r in by_sku.output.splitlines() if r[:4].strip().isdigit()]
    assert rows and all(line.sku in r for r in rows)
    day = sale.sold_at.astimezone(zone).date()  # the store's own calendar day
    by_day = runner.invoke(app, ["receipt", "find", "--date", str(day), "--limit", "100"], env=WIDE)
    assert by_day.exit_code == 0 and _pretty(sale.receipt_code) in by_day.output
    days = {r.split()[1] for r in by_day.output.splitlines() if r[:4].strip().isdigit()}
    assert days == {str(day)}


def test_a_customer_search_needs_a_clerk_or_manager(demo_engine):
    customer = next(s.customer_id for s in _sales(demo_engine) if s.customer_id)
    anonymous = runner.invoke(app, ["receipt", "find", "--customer", customer], env=WIDE)
    assert anonymous.exit_code == 1 and "needs a log-in" in anonymous.output
    auditor = runner.invoke(
        app, ["receipt", "find", "--customer", customer, "--user", "avi"], input="7777\n", env=WIDE
    )
    assert auditor.exit_code == 1 and "needs a clerk or manager" in auditor.output
    clerk = runner.invoke(
        app,
        ["receipt", "find", "--customer", customer.lower(), "--user", "cleo"],
        env={**WIDE, "RETURNS_DESK_PIN": "1111"},
    )
    assert clerk.exit_code == 0, clerk.output
    assert customer in clerk.output
    with read_only(demo_engine) as session:
        logins = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
        assert [e.actor for e in logins] == ["avi", "cleo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "type a customer or loyalty id"),
        (["--card", "4242"], "give the day of the sale"),
        (["--date", "2026-13-01"], "--date '2026-13-01': expected a day"),
    ],
)
def test_a_search_that_cannot_run_says_why(demo_engine, args, message):
    result = runner.invoke(app, ["receipt", "find", *args], env=WIDE)
    assert result.exit_code == 1 and message in result.output


def test_nothing_found_says_so(demo_engine):
    result = runner.invoke(app, ["receipt", "find", "--sku", "NO-SUCH"], env=WIDE)
    assert result.exit_code == 0 and "no sale matches" in result.output


def test_a_clerk_who_logs_in_is_asked_the_pin_and_sees_ids_in_full(demo_engine):
    """The same log-in as every command: -u, the PIN asked for (hidden), a wrong one said."""
    sale = next(s for s in _sales(demo_engine)[:20] if s.customer_id)
    listed = runner.invoke(
        app, ["receipt", "list", "--limit", "20", "-u", "cleo"], input="1111\n", env=WIDE
    )
    assert listed.exit_code == 0, listed.output
    assert "PIN" in listed.output and "1111" not in listed.output
    assert sale.customer_id in listed.output
    wrong = runner.invoke(app, ["receipt", "list", "-u", "cleo"], input="0000\n", env=WIDE)
    assert wrong.exit_code == 1 and "wrong PIN; 4 tries left" in wrong.output
    assert "Traceback" not in wrong.output
