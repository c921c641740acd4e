"""The counter, driven with Pilot as a clerk would: scan, pick lines, settle, override."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from textual.widgets import DataTable, Input, Select, Static

from returns_desk.store.db import read_only
from returns_desk.store.models import Exchange, ReturnTxn, SaleLine, Tender
from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.exchange import ExchangeDialog
from returns_desk.tui.dialogs.line import LineDialog
from returns_desk.tui.dialogs.override import OverrideDialog
from returns_desk.tui.dialogs.settle import SettleDialog
from returns_desk.tui.messages import ReturnCompleted

TODAY = date(2026, 11, 23)


def plain(line) -> bool:
    return not (line.final_sale or line.serialized) and line.category != "clearance"


def fresh(receipt, days=20) -> bool:
    return receipt.sold_at.date() >= TODAY - timedelta(days=days) and not receipt.gift_receipt


def desk(engine, **kw):
    return DeskApp(engine, today=lambda: TODAY, **kw)


async def settle(pilot, rounds=3):
    """Let dismiss callbacks run and the workers they start finish (a loaded CI box is slow)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def completed(pilot) -> str:
    """Wait (up to 20 s) for the counter to say a return is done; return what it says."""
    from returns_desk.tui.screens.counter import CounterScreen

    for _ in range(200):
        await settle(pilot, 1)
        screen = pilot.app.screen
        if isinstance(screen, CounterScreen):
            said = str(screen.query_one("#scan-error", Static).render())
            if said.startswith("Done:") or "refused" in said:
                return said
        await pilot.pause(0.1)
    raise AssertionError(f"the counter never finished; it shows {pilot.app.screen!r}")


def text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def log_in_and_scan(pilot, code, user="cleo", pin="1111"):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await settle(pilot)
    await pilot.press(*code, "enter")
    await settle(pilot)


async def take_line(pilot, line_no, qty=None, reason="changed_mind", serial=None):
    """Highlight a line, Enter, fill the dialog, take it."""
    table = pilot.app.screen.query_one("#lines", DataTable)
    table.move_cursor(row=line_no - 1)
    await pilot.press("enter")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, LineDialog)
    if qty is not None:
        dialog.query_one("#qty", Input).value = str(qty)
    dialog.query_one("#reason", Select).value = reason
    if serial is not None:
        dialog.query_one("#serial", Input).value = serial
    await pilot.press("ctrl+s")
    await settle(pilot)


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
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        assert "Approved" in text(app, "#line-detail")
        await take_line(pilot, 1)
        assert "selected" in text(app, "#status") and "F9 completes" in text(app, "#status")
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettleDialog)
        await pilot.press("r")
        done = await completed(pilot)
        assert done.startswith("Done: RT-") and "refund of $" in done
        assert [m.settlement for m in app.completed] == ["refund"]
    line = receipt.lines[0]
    assert returned(demo_engine, line.line_id) == line.qty
    assert refunded(demo_engine, receipt.sale_id) > 0


async def test_partial_return_takes_back_only_the_units_chosen(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r, 29) and plain(r.lines[0]) and r.lines[0].qty > 1)
    line = receipt.lines[0]
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await take_line(pilot, 1, qty=1)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("c")
        assert "Voucher V-" in await completed(pilot)
        table = app.screen.query_one("#lines", DataTable)
        assert table.get_row_at(0)[3] == str(line.qty - 1)  # the Left column, re-read
    assert returned(demo_engine, line.line_id) == 1
    assert refunded(demo_engine, receipt.sale_id) == 0  # store credit: tenders untouched


async def start_exchange(pilot, code):
    """Log in, scan ``code``, take its first line, and open the exchange dialog (F9, x)."""
    await log_in_and_scan(pilot, code)
    await take_line(pilot, 1)
    await pilot.press("f9")
    await pilot.pause()
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExchangeDialog)


async def test_exchange_for_a_dearer_item_shows_and_collects_the_difference(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200)
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exchange(pilot, receipt.code)
        await pilot.press(*"FN-SOFA", "enter")
        await settle(pilot)
        assert "Customer pays $" in text(app, "#difference")
        await pilot.press("ctrl+s")
        done = await completed(pilot)
        assert "exchange of $" in done and "New sale" in done and "collect $" in done
    with read_only(demo_engine) as session:
        (link,) = session.exec(select(Exchange)).all()
    assert link.difference > 0


async def test_late_return_is_approved_by_a_manager_with_their_pin(demo_engine, pick_receipt):
    receipt = pick_receipt(
        lambda r: (
            50 < (TODAY - r.sold_at.date()).days < 80 and not r.gift_receipt and plain(r.lines[0])
        )
    )
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        assert "Needs a manager" in text(app, "#line-detail")
        await take_line(pilot, 1)
        assert "Needs a manager (F7)" in text(app, "#status")
        await pilot.press("f9")  # completing asks for the manager first
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        assert "window closed" in text(app, "#override-why")
        await pilot.press(*"maria", "enter", *"9999", "enter", *"long-time customer", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SettleDialog)
        await pilot.press("c")
        assert "Approved by maria" in await completed(pilot)
    with read_only(demo_engine) as session:
        (txn,) = session.exec(select(ReturnTxn)).all()
    assert txn.override_reason == "long-time customer" and txn.manager_id is not None


async def test_wrong_manager_pin_is_refused_and_nothing_is_returned(demo_engine, pick_receipt):
    receipt = pick_receipt(
        lambda r: (
            50 < (TODAY - r.sold_at.date()).days < 80 and not r.gift_receipt and plain(r.lines[0])
        )
    )
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await take_line(pilot, 1)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"maria", "enter", *"1234", "enter", *"customer", "enter")
        await pilot.pause()
        await pilot.press("r")
        assert "override refused: wrong PIN; 4 tries left" in await completed(pilot)
        assert "Needs a manager (F7)" in text(app, "#status")
        assert app.completed == []
    assert returned(demo_engine, receipt.lines[0].line_id) == 0


async def test_denied_line_says_why_and_cannot_be_completed(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r, 29) and any(ln.final_sale for ln in r.lines))
    line = next(ln for ln in receipt.lines if ln.final_sale)
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await take_line(pilot, line.line_no)
        assert f"Line {line.line_no} is denied" in text(app, "#status")
        assert "final" in text(app, "#line-detail").lower()
        assert app.screen.check_action("complete", ()) is None  # shown, but disabled
        await pilot.press("f9")
        await pilot.pause()
        assert not isinstance(app.screen, SettleDialog)
        await pilot.press("delete")
        await pilot.pause()
        assert "Enter on a line" in text(app, "#status")
    assert returned(demo_engine, line.line_id) == 0


async def test_other_reason_needs_words_before_the_line_is_taken(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        app.screen.query_one("#lines", DataTable).move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#reason", Select).value = "other"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LineDialog)
        assert "needs a few words" in text(app, "#line-error")


async def test_idle_desk_locks_itself(demo_engine):
    from returns_desk.tui.screens.counter import CounterScreen
    from returns_desk.tui.screens.login import LoginScreen

    now = [0.0]
    app = RecordingDesk(demo_engine, idle_lock_seconds=1.0, idle_clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#username")
        await pilot.press(*"cleo", "enter", *"1111", "enter")
        await settle(pilot)
        await pilot.pause(0.5)  # two idle checks pass: the clock has not moved
        assert isinstance(app.screen, CounterScreen) and app.actor is not None
        now[0] = 0.9
        await pilot.press("f2")  # a key: someone is at the desk
        now[0] = 1.5
        await pilot.pause(0.5)
        assert isinstance(app.screen, CounterScreen), "a key press must restart the idle time"
        now[0] = 2.0
        await pilot.pause(0.5)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        await pilot.pause()  # the new screen's header takes the cleared title before exit


async def test_receiptless_search_opens_the_sale(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: r.customer_id)
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#username")
        await pilot.press(*"cleo", "enter", *"1111", "enter")
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*receipt.customer_id, "enter")
        await settle(pilot)
        hits = app.screen.query_one("#hits", DataTable)
        row = hits.get_row_index(receipt.code)
        hits.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert receipt.code[:3] in text(app, "#receipt-summary")
        assert app.screen.query_one("#scan", Input).value == receipt.code
