"""After a completed return the desk prints its slips and asks the customer for a rating;
a scanner's burst while the prompt is up is the next receipt, not a rating."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Input

from returns_desk.store.db import read_only
from returns_desk.store.models import Feedback, ReturnTxn
from returns_desk.tui.dialogs.feedback import FeedbackDialog, FeedbackSaved
from returns_desk.tui.messages import Completed, DeskNotice, ReceiptFound
from returns_desk.tui.screens.counter import CounterScreen
from tests.tui.driving import drive
from tests.tui.test_counter import desk, fresh, log_in_and_scan, plain, take_line, text


async def _refund_first_line(clerk):
    await take_line(clerk, 1)
    await clerk.press("f9", "r")
    await clerk.next(Completed)
    await clerk.next(ReceiptFound)  # the receipt again, as it is now
    assert isinstance(clerk.app.screen, FeedbackDialog)


async def test_rating_prompt_after_a_refund_and_the_slip_is_saved(
    demo_engine, pick_receipt, tmp_path
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await _refund_first_line(clerk)
        await clerk.press("4")
        await clerk.next(FeedbackSaved)
        assert not isinstance(app.screen, FeedbackDialog)
        await clerk.next(DeskNotice)  # the slips are printed
    with read_only(demo_engine) as session:
        txn = session.exec(select(ReturnTxn)).one()
        rating = session.exec(select(Feedback).where(Feedback.return_id == txn.id)).one()
    assert rating.rating == 4
    slips = list((tmp_path / "slips").rglob("*.pdf"))
    assert any(txn.reference in p.name for p in slips), slips


async def test_the_customer_may_skip_the_rating(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await _refund_first_line(clerk)
        await clerk.press("escape")
        assert not isinstance(app.screen, FeedbackDialog)
    with read_only(demo_engine) as session:
        assert session.exec(select(Feedback)).all() == []


async def test_scanning_the_next_receipt_at_the_rating_prompt_opens_it_unrated(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    following = pick_receipt(lambda r: r.code != receipt.code)
    app = desk(demo_engine, scan_gap=30.0)  # however slow this box, a burst stays a burst
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await _refund_first_line(clerk)
        await clerk.burst(following.code + "\n")  # every receipt code starts with a 1
        found = await clerk.next(ReceiptFound)
        assert found.receipt.code == following.code
        assert isinstance(app.screen, CounterScreen)
        assert app.screen.query_one("#scan", Input).value == following.code
        assert "Receipt " in text(app, "#receipt-summary")
    with read_only(demo_engine) as session:
        assert session.exec(select(Feedback)).all() == []
