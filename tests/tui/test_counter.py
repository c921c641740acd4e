"""The counter, driven with Pilot as a clerk would: scan, pick lines, settle, override.

Every wait is on a message the desk posts (the receipt found, the quote, the completion),
never a sleep or a polling loop.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from returns_desk.store.db import read_only
from returns_desk.store.models import Exchange, ReturnTxn, SaleLine, Tender
from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.exchange import ExchangeDialog, Priced
from returns_desk.tui.dialogs.line import LineDialog
from returns_desk.tui.dialogs.override import OverrideChecked, OverrideDialog
from returns_desk.tui.dialogs.settle import SettleDialog
from returns_desk.tui.messages import (
    Completed,
    Quoted,
    ReceiptFound,
    Refused,
    ReturnCompleted,
    SignedIn,
)
from tests.tui.driving import drive, reason_key

TODAY = date(2026, 11, 23)


def plain(line) -> bool:
    return not (line.final_sale or line.serialized) and line.category != "clearance"


def fresh(receipt, days=20) -> bool:
    return receipt.sold_at.date() >= TODAY - timedelta(days=days) and not receipt.gift_receipt


def late(receipt) -> bool:
    days = (TODAY - receipt.sold_at.date()).days
    return 50 < days < 80 and not receipt.gift_receipt and plain(receipt.lines[0])


def desk(engine, **kw):
    return DeskApp(engine, today=lambda: TODAY, **kw)


async def settle(pilot, rounds=3):
    """Let dismiss callbacks run and the workers they start finish: for screens whose
    workers post no message a test can wait on (the pre-return checks)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def log_in(desk, user="cleo", pin="1111"):
    await desk.pilot.click("#username")
    await desk.press(*user, "enter", *pin, "enter")
    await desk.next(SignedIn)


async def log_in_and_scan(desk, code, user="cleo", pin="1111"):
    await log_in(desk, user, pin)
    await desk.press(*code, "enter")
    await desk.next(ReceiptFound, Refused)


async def take_line(desk, line_no, qty=None, reason="changed_mind", serial=None):
    """Highlight a line, Enter, fill what differs from the preset, press the reason's number;
    wait for the policy's quote."""
    desk.app.screen.query_one("#lines", DataTable).move_cursor(row=line_no - 1)
    await desk.press("enter")
    dialog = desk.app.screen
    assert isinstance(dialog, LineDialog)
    if qty is not None:
        dialog.query_one("#qty", Input).value = str(qty)
    if serial is not None:
        dialog.query_one("#serial", Input).value = serial
    await desk.press(reason_key(reason))
    await desk.next(Quoted, Refused)


async def completed(desk) -> str:
    """What the counter says once the completion is done or refused."""
    await desk.next(Completed, Refused)
    if not text(desk.app, "#scan-error").startswith("Done:"):
        return text(desk.app, "#scan-error")
    await desk.next(ReceiptFound, Refused)  # the receipt again, as it is now
    return text(desk.app, "#scan-error")


class RecordingDesk(DeskApp):
    """The desk with a hook on ReturnCompleted, as the feedback and slip code will add."""

    def __init__(self, engine, **kw):
        kw.setdefault("ask_feedback", False)
        super().__init__(engine, today=lambda: TODAY, **kw)
        self.completed: list[ReturnCompleted] = []

    def on_return_completed(self, message: ReturnCompleted) -> None:
        self.completed.append(message)


def refunded(engine, sale_id):
    with read_only(engine) as session:
        rows = session.exec(select(Tender).where(Tender.sale_id == sale_id)).all()
    return sum(t.refunded for t in rows)


def returned(engine, line_id):
    with read_only(engine) as session:
        return session.get(SaleLine, line_id).qty_returned


async def test_refund_of_a_whole_line(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        assert "Approved" in text(app, "#line-detail")
        await take_line(clerk, 1)
        assert "selected" in text(app, "#status") and "F9 completes" in text(app, "#status")
        await clerk.press("f9")
        assert isinstance(app.screen, SettleDialog)
        await clerk.press("r")
        done = await completed(clerk)
        assert done.startswith("Done: RT-") and "refund of $" in done
        assert [m.settlement for m in app.completed] == ["refund"]
    line = receipt.lines[0]
    assert returned(demo_engine, line.line_id) == line.qty
    assert refunded(demo_engine, receipt.sale_id) > 0


async def test_partial_return_takes_back_only_the_units_chosen(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r, 29) and plain(r.lines[0]) and r.lines[0].qty > 1)
    line = receipt.lines[0]
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await take_line(clerk, 1, qty=1)
        await clerk.press("f9", "c")
        assert "Voucher V-" in await completed(clerk)
        table = app.screen.query_one("#lines", DataTable)
        assert table.get_row_at(0)[3] == str(line.qty - 1)  # the Left column, re-read
    assert returned(demo_engine, line.line_id) == 1
    assert refunded(demo_engine, receipt.sale_id) == 0  # store credit: tenders untouched


async def start_exchange(desk, code):
    """Log in, scan ``code``, take its first line, and open the exchange dialog (F9, x)."""
    await log_in_and_scan(desk, code)
    await take_line(desk, 1)
    await desk.press("f9", "x")
    assert isinstance(desk.app.screen, ExchangeDialog)


async def test_exchange_for_a_dearer_item_shows_and_collects_the_difference(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await start_exchange(clerk, receipt.code)
        await clerk.press(*"FN-SOFA", "enter")
        await clerk.next(Priced, Refused)
        assert "Customer pays $" in text(app, "#difference")
        await clerk.press("ctrl+s")
        done = await completed(clerk)
        assert "exchange of $" in done and "New sale" in done and "collect $" in done
    with read_only(demo_engine) as session:
        (link,) = session.exec(select(Exchange)).all()
    assert link.difference > 0


async def test_late_return_is_approved_by_a_manager_with_their_pin(demo_engine, pick_receipt):
    receipt = pick_receipt(late)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        assert "Needs a manager" in text(app, "#line-detail")
        await take_line(clerk, 1)
        assert "Needs a manager (F7)" in text(app, "#status")
        await clerk.press("f9")  # completing asks for the manager first
        assert isinstance(app.screen, OverrideDialog)
        assert "window closed" in text(app, "#override-why")
        await clerk.press(*"maria", "enter", *"9999", "enter", *"long-time customer", "enter")
        await clerk.next(OverrideChecked)
        assert isinstance(app.screen, SettleDialog)
        await clerk.press("c")
        assert "Approved by maria" in await completed(clerk)
    with read_only(demo_engine) as session:
        (txn,) = session.exec(select(ReturnTxn)).all()
    assert txn.override_reason == "long-time customer" and txn.manager_id is not None


async def test_denied_line_says_why_and_cannot_be_completed(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r, 29) and any(ln.final_sale for ln in r.lines))
    line = next(ln for ln in receipt.lines if ln.final_sale)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await take_line(clerk, line.line_no)
        assert f"Line {line.line_no} is denied" in text(app, "#status")
        assert "final" in text(app, "#line-detail").lower()
        assert app.screen.check_action("complete", ()) is None  # shown, but disabled
        await clerk.press("f9")
        assert not isinstance(app.screen, SettleDialog)
        await clerk.press("delete")
        assert "Enter on a line" in text(app, "#status")
    assert returned(demo_engine, line.line_id) == 0


async def test_other_reason_needs_words_before_the_line_is_taken(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await clerk.press("enter", reason_key("other"))
        assert isinstance(app.screen, LineDialog)
        assert app.screen.focused.id == "reason-text"  # 'other' asks why
        await clerk.press("enter")
        assert isinstance(app.screen, LineDialog)
        assert "needs a few words" in text(app, "#item-error")
        await clerk.press(*"zip broke", "enter")
        await clerk.next(Quoted)
        assert "1 line(s) selected" in text(app, "#status")


async def test_idle_desk_locks_itself(demo_engine):
    from returns_desk.tui.screens.counter import CounterScreen
    from returns_desk.tui.screens.login import LoginScreen

    now = [0.0]
    app = RecordingDesk(demo_engine, idle_lock_seconds=1.0, idle_clock=lambda: now[0])
    async with drive(app) as clerk:
        await log_in(clerk)
        await app.lock_if_idle()  # the clock has not moved
        assert isinstance(app.screen, CounterScreen) and app.actor is not None
        now[0] = 0.9
        await clerk.press("f2")  # a key: someone is at the desk
        now[0] = 1.5
        await app.lock_if_idle()
        assert isinstance(app.screen, CounterScreen), "a key press must restart the idle time"
        now[0] = 2.0
        await app.lock_if_idle()
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        await clerk.pilot.pause()  # the new screen's header takes the cleared title


async def test_receiptless_search_opens_the_sale(demo_engine, pick_receipt):
    from returns_desk.tui.dialogs.search import SalesFound

    receipt = pick_receipt(lambda r: r.customer_id)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in(clerk)
        await clerk.press("f3", *receipt.customer_id, "enter")
        await clerk.next(SalesFound)
        hits = app.screen.query_one("#hits", DataTable)
        hits.move_cursor(row=hits.get_row_index(receipt.code))
        await clerk.press("enter")
        await clerk.next(ReceiptFound)
        assert receipt.code[:3] in text(app, "#receipt-summary")
        assert app.screen.query_one("#scan", Input).value == receipt.code
