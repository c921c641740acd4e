"""A manager's override is checked the moment it is typed: a clerk, a wrong PIN or a locked
manager is refused in the dialog; an approval that falls at completion is dropped."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from returns_desk.services.staff.security import AuthError, log_in
from returns_desk.tui.dialogs.override import OverrideChecked, OverrideDialog, OverrideRefused
from returns_desk.tui.dialogs.settle import SettleDialog
from returns_desk.tui.messages import Refused
from tests.tui.driving import drive
from tests.tui.test_counter import RecordingDesk, late, log_in_and_scan, returned, take_line, text


async def ask_manager(clerk, user, pin, reason="regular customer"):
    await clerk.press(*user, "enter", *pin, "enter", *reason, "enter")


@pytest.mark.parametrize(
    ("user", "pin", "said"),
    [
        ("sam", "2222", "Sam Clerk is a clerk; overrides need a manager"),
        ("maria", "1234", "override refused: wrong PIN; 4 tries left"),
        ("nobody", "1234", "override refused: no active user called 'nobody'"),
    ],
)
async def test_an_override_that_cannot_stand_is_refused_at_once(
    demo_engine, pick_receipt, user, pin, said
):
    receipt = pick_receipt(late)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await take_line(clerk, 1)
        await clerk.press("f7")
        await ask_manager(clerk, user, pin)
        await clerk.next(OverrideRefused)
        assert isinstance(app.screen, OverrideDialog)  # still asking, never "ready"
        assert said in text(app, "#override-error")
        assert app.screen.query_one("#manager-pin", Input).value == ""
        await clerk.press("escape")
        assert "Needs a manager (F7)." in text(app, "#status")
        assert "ready" not in text(app, "#status")
    assert returned(demo_engine, receipt.lines[0].line_id) == 0
    assert app.completed == []


async def test_an_approval_that_falls_before_completion_is_dropped(demo_engine, pick_receipt):
    receipt = pick_receipt(late)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await take_line(clerk, 1)
        await clerk.press("f7")
        await ask_manager(clerk, "maria", "9999")
        await clerk.next(OverrideChecked)
        assert isinstance(app.screen, SettleDialog)
        for _ in range(5):  # meanwhile maria's account is locked by wrong PINs elsewhere
            with pytest.raises(AuthError):
                log_in(demo_engine, "maria", "0000")
        await clerk.press("c")
        await clerk.next(Refused)
        assert "locked" in text(app, "#scan-error")
        assert "Needs a manager (F7)." in text(app, "#status")
    assert app.completed == []
