"""A manager runs the staff from the desk: F10 opens the manager's menu, `s` the staff; a
locked clerk is unlocked, a new clerk added. Clerks have no manager's menu. Driven with Pilot."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from returns_desk.services.staff.security import AuthError, log_in
from returns_desk.tui.app import DeskApp
from returns_desk.tui.screens.manager import ManagerScreen
from returns_desk.tui.screens.staff import StaffScreen


async def _settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _log_in(pilot, user, pin):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await _settle(pilot)


def _row(app, username):
    table = app.screen.query_one("#staff-rows", DataTable)
    return [str(c) for c in table.get_row(username)]


async def _open_staff(pilot):
    await pilot.press("f10")
    assert isinstance(pilot.app.screen, ManagerScreen)
    await pilot.press("s")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, StaffScreen)


async def test_a_manager_unlocks_a_locked_clerk_from_the_staff_screen(demo_engine):
    for _ in range(5):
        with pytest.raises(AuthError):
            log_in(demo_engine, "cleo", "0000")
    app = DeskApp(demo_engine, ask_feedback=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, "maria", "9999")
        await _open_staff(pilot)
        assert _row(app, "cleo")[3].startswith("locked until")
        table = app.screen.query_one("#staff-rows", DataTable)
        table.move_cursor(row=table.get_row_index("cleo"))
        await pilot.pause()
        await pilot.press("u")
        await _settle(pilot)
        assert _row(app, "cleo")[3] == "active"
        assert "cleo is unlocked" in str(app.screen.query_one("#staff-status", Static).render())
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, StaffScreen | ManagerScreen)
    assert log_in(demo_engine, "cleo", "1111").username == "cleo"


async def _add_dana(pilot, pin):
    await pilot.press("a")
    await pilot.pause()
    pilot.app.screen.query_one("#new-username", Input).value = "dana"
    pilot.app.screen.query_one("#new-name", Input).value = "Dana Clerk"
    pilot.app.screen.query_one("#new-pin", Input).focus()
    await pilot.press(*pin, "enter", *pin, "enter")
    await _settle(pilot)


async def test_a_manager_adds_a_clerk_and_a_weak_pin_is_refused_first(demo_engine):
    app = DeskApp(demo_engine, ask_feedback=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, "maria", "9999")
        await _open_staff(pilot)
        await _add_dana(pilot, "1234")
        status = str(app.screen.query_one("#staff-status", Static).render())
        assert "too easy to guess" in status
        await _add_dana(pilot, "4821")
        assert _row(app, "dana")[2:4] == ["clerk", "active"]
    assert log_in(demo_engine, "dana", "4821").display_name == "Dana Clerk"


async def test_clerks_have_no_managers_menu(demo_engine):
    app = DeskApp(demo_engine, ask_feedback=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, "cleo", "1111")
        assert not app.check_action("manager", ())
        await pilot.press("f10")
        await pilot.pause()
        assert not isinstance(app.screen, ManagerScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not any(t.startswith("Manager") for t in titles)


async def test_the_palette_names_the_managers_areas(demo_engine):
    app = DeskApp(demo_engine, ask_feedback=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, "maria", "9999")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Manager (F10)" in titles and "Manager: Staff" in titles
