"""The desk opens on the demo store: log in, scan, see the receipt. Driven with Pilot."""

from sqlmodel import select
from textual.widgets import DataTable, Static

from returns_desk.store.db import read_only
from returns_desk.store.models import Sale
from returns_desk.tui.app import DeskApp
from returns_desk.tui.screens.counter import CounterScreen
from returns_desk.tui.screens.login import LoginScreen


async def _log_in(pilot, user="cleo", pin="1111"):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _text(app, selector):
    return str(app.screen.query_one(selector, Static).render())


async def test_wrong_pin_says_how_many_tries_are_left(demo_engine):
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, pin="0000")
        assert isinstance(app.screen, LoginScreen)
        assert "wrong PIN; 4 tries left" in _text(app, "#login-error")


async def test_clerk_logs_in_scans_a_receipt_and_sees_its_lines(demo_engine):
    with read_only(demo_engine) as session:
        sale = session.exec(select(Sale).order_by(Sale.id)).first()
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot)
        assert isinstance(app.screen, CounterScreen)
        assert "Cleo Clerk" in app.sub_title
        await pilot.press(*sale.receipt_code, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#lines", DataTable)
        assert table.display and table.row_count >= 1
        assert "Total $" in _text(app, "#receipt-summary")


async def test_mistyped_code_is_explained_and_nothing_is_shown(demo_engine):
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot)
        await pilot.press(*"1010390000019", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "fails its check digit" in _text(app, "#scan-error")
        assert not app.screen.query_one("#lines", DataTable).display


async def test_unknown_code_says_it_is_not_in_the_journal(demo_engine):
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot)
        await pilot.press(*"9990190000014", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = _text(app, "#scan-error")
        assert "999-01-9000001-4 is not in the sales journal" in message
