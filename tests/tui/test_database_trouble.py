"""When the database fails, the desk says so and carries on: no worker dies with the app."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from textual.widgets import Static

from returns_desk.services.staff import security
from returns_desk.tui.app import DeskApp
from returns_desk.tui.screens.login import LoginScreen


async def _log_in(pilot, user="cleo", pin="1111"):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_database_failing_at_log_in_is_said_and_the_desk_stays_up(demo_engine, monkeypatch):
    real = security.log_in

    def failing(*args, **kwargs):
        raise OperationalError("SELECT ...", {}, ConnectionError("server closed"))

    monkeypatch.setattr(security, "log_in", failing)
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot)
        assert isinstance(app.screen, LoginScreen)
        said = str(app.screen.query_one("#login-error", Static).render())
        assert "the database did not answer as expected" in said
        monkeypatch.setattr(security, "log_in", real)
        await pilot.press(*"1111", "enter")  # the PIN field has the focus again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)


async def test_an_integration_account_cannot_use_the_desk(demo_engine, demo_actors):
    from returns_desk.domain.roles import Role
    from returns_desk.services.staff.people import add_user

    key = add_user(demo_engine, demo_actors["maria"], "posfeed", "POS feed", Role.INTEGRATION, None)
    app = DeskApp(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#username")
        await pilot.press(*"posfeed", "enter")
        app.screen.query_one("#pin").value = key  # a key is not digits; a script would type it
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        said = str(app.screen.query_one("#login-error", Static).render())
        assert "integration account, not for the desk" in said


async def test_a_database_that_could_not_be_opened_is_said_at_log_in(tmp_path):
    def broken():
        raise RuntimeError("the database is at schema revision x; a manager runs db upgrade")

    app = DeskApp(broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await _log_in(pilot)
        said = str(app.screen.query_one("#login-error", Static).render())
        assert "cannot open the desk" in said and "db upgrade" in said


async def test_a_return_the_database_could_not_take_is_said_and_can_be_tried_again(
    demo_engine, pick_receipt, monkeypatch
):
    from returns_desk.services.returns import complete
    from returns_desk.store.db import DatabaseBusy
    from returns_desk.tui.messages import Completed, Refused
    from returns_desk.tui.screens.counter import CounterScreen
    from tests.tui.driving import drive
    from tests.tui.test_counter import (
        RecordingDesk,
        fresh,
        log_in_and_scan,
        plain,
        returned,
        take_line,
    )

    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    real = complete.complete_return

    def busy(*args, **kwargs):
        raise DatabaseBusy("the database stayed busy (two registers waited on each other); "
                           "nothing was saved: try again")  # fmt: skip

    monkeypatch.setattr(complete, "complete_return", busy)
    app = RecordingDesk(demo_engine)
    async with drive(app) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await take_line(pilot, 1)
        await pilot.press("f9", "r")
        await pilot.next(Refused)
        assert isinstance(app.screen, CounterScreen)
        said = str(app.screen.query_one("#scan-error", Static).render())
        assert said.startswith("not completed: the database stayed busy")
        assert app.completed == [] and returned(demo_engine, receipt.lines[0].line_id) == 0
        monkeypatch.setattr(complete, "complete_return", real)
        await pilot.press("f9", "r")  # the return is still on the counter: F9 again
        await pilot.next(Completed)
        assert [m.settlement for m in app.completed] == ["refund"]
