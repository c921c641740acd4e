"""What the counter looks like at 80x24: log-in, a receipt with its decisions, settling.

The demo is seeded at TODAY and the desk's clock is frozen there, so the pictures are stable.
Update them on purpose with ``uv run pytest --snapshot-update tests/tui/test_counter_snapshots.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

from returns_desk.tui.app import DeskApp

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def _receipt(pick_receipt):
    """A fresh two-line receipt: one line a manager must approve or deny, one approved."""
    return pick_receipt(
        lambda r: (
            r.sold_at.date() >= TODAY - timedelta(days=29)
            and not r.gift_receipt
            and len(r.lines) > 1
        )
    )


async def _log_in(pilot):
    await pilot.click("#username")
    await pilot.press(*"cleo", "enter", *"1111", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_login_screen(demo_engine, snap_compare):
    assert snap_compare(DeskApp(demo_engine, today=lambda: TODAY), terminal_size=SIZE)


def test_counter_with_a_receipt_and_its_decisions(demo_engine, pick_receipt, snap_compare):
    receipt = _receipt(pick_receipt)

    async def scan(pilot):
        await _log_in(pilot)
        await pilot.press(*receipt.code, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = DeskApp(demo_engine, today=lambda: TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=scan)


def test_counter_empty_state_after_an_unknown_code(demo_engine, snap_compare):
    async def scan(pilot):
        await _log_in(pilot)
        await pilot.press(*"9990190000014", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = DeskApp(demo_engine, today=lambda: TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=scan)


def test_settle_dialog(demo_engine, pick_receipt, snap_compare):
    receipt = _receipt(pick_receipt)
    line = next(ln for ln in receipt.lines if not ln.final_sale and not ln.serialized)

    async def settle(pilot):
        from textual.widgets import DataTable

        await _log_in(pilot)
        await pilot.press(*receipt.code, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.screen.query_one("#lines", DataTable).move_cursor(row=line.line_no - 1)
        await pilot.press("enter", "2")  # the line, then its reason: wrong size
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()

    app = DeskApp(demo_engine, today=lambda: TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
