"""At 80x24 every screen shows what it says, whole: the reasons under the counter's table,
the log-in box, the auditor's dates and the Refund column."""

from __future__ import annotations

from textual.widgets import Input

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.security import log_in as service_log_in
from returns_desk.tui.messages import LogInRefused
from returns_desk.tui.screens.audit import PreviewReady
from tests.drafts import receipt_request
from tests.tui.driving import drive
from tests.tui.test_counter import TODAY, desk, fresh, late, log_in, log_in_and_scan, plain


def seen(app) -> str:
    """The terminal as the person sees it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_late_lines_reasons_are_all_there_and_said_once(demo_engine, pick_receipt):
    receipt = pick_receipt(late)
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        screen = " ".join(seen(app).split())
        assert screen.count("Standard return window:") == 1
        assert "the window closed on" in screen and "days from purchase" in screen
        assert "original packaging are accepted." in screen  # the last reason, not cut


async def test_the_log_in_box_fits_with_its_error(demo_engine):
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await clerk.pilot.pause()
        await clerk.press(*"cleo", "enter", *"0000", "enter")
        await clerk.next(LogInRefused)
        screen = seen(app)
        assert "wrong PIN; 4 tries left before lockout" in screen
        assert "╰" in screen and "Log in" in screen  # the box's bottom edge is on screen


async def test_the_auditor_sees_whole_dates_and_the_refund(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    item = ReturnItem(1, 1, reason_code="changed_mind")
    request = receipt_request(demo_engine, receipt.code, [item], Settlement.STORE_CREDIT)
    complete_return(demo_engine, service_log_in(demo_engine, "cleo", "1111", "R1"), request, TODAY)
    app = desk(demo_engine)
    async with drive(app) as auditor:
        await log_in(auditor, "avi", "7777")
        app.screen.query_one("#audit-from", Input).value = "2000-01-01"
        app.screen.query_one("#audit-to", Input).value = "2100-12-31"
        await auditor.press("f5")
        await auditor.next(PreviewReady)
        screen = seen(app)
        assert "2000-01-01" in screen and "2100-12-31" in screen
        assert "Refund" in screen and "RT-0000001" in screen and "$" in screen
