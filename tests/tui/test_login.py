"""The log-in screen as badge readers and people with typos use it."""

from __future__ import annotations

from textual.widgets import Input

from returns_desk.tui.messages import LogInRefused, SignedIn
from returns_desk.tui.screens.counter import CounterScreen
from returns_desk.tui.screens.login import LoginScreen
from tests.tui.driving import drive
from tests.tui.test_counter import desk, log_in, text


async def test_user_and_pin_typed_in_one_burst_log_in(demo_engine):
    app = desk(demo_engine)
    async with drive(app) as reader:
        await reader.pilot.pause()
        await reader.burst("cleo\n1111\n")  # a badge reader types faster than keys are handled
        await reader.next(SignedIn)
        assert isinstance(app.screen, CounterScreen) and app.actor.username == "cleo"


async def test_the_counter_taken_down_right_after_a_log_in_never_crashes_the_desk(demo_engine):
    """The burst above ends the test as soon as the desk signs in: the counter is then taken
    down while its footer still asks which keys apply. Here that moment is made on purpose:
    the table is gone, and the keys are checked again."""
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in(clerk)
        counter = app.screen
        await counter.panel.table.remove()  # as the desk closing takes its widgets down
        counter.refresh_bindings()
        await clerk.pilot.pause()
        assert counter.check_action("unselect", ()) is None and app.is_running
        await clerk.press("5")  # a key reaches the counter as it goes
        assert app.is_running


async def test_after_an_unknown_user_typing_goes_to_the_user_field(demo_engine):
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await clerk.pilot.pause()
        await clerk.press(*"cloe", "enter", *"1111", "enter")
        await clerk.next(LogInRefused)
        assert "no active user called 'cloe'" in text(app, "#login-error")
        await clerk.press(*"cleo", "enter", *"1111", "enter")  # the name is selected: retyped
        await clerk.next(SignedIn)
        assert isinstance(app.screen, CounterScreen)


async def test_after_a_wrong_pin_typing_goes_to_the_emptied_pin(demo_engine):
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await clerk.pilot.pause()
        await clerk.press(*"cleo", "tab", *"0000", "tab", "enter")  # Tab to the button, Enter
        await clerk.next(LogInRefused)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#pin", Input).has_focus
        assert "wrong PIN; 4 tries left" in text(app, "#login-error")
        await clerk.press(*"1111", "enter")
        await clerk.next(SignedIn)
        assert isinstance(app.screen, CounterScreen)
