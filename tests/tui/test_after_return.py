"""After a completed return the desk prints its slips and asks the customer for a rating."""

from __future__ import annotations

from sqlmodel import select

from returns_desk.store.db import read_only
from returns_desk.store.models import Feedback, ReturnTxn
from returns_desk.tui.dialogs.feedback import FeedbackDialog
from tests.tui.test_counter import desk, fresh, log_in_and_scan, plain, settle, take_line


async def _refund_first_line(pilot):
    await take_line(pilot, 1)
    await pilot.press("f9")
    await pilot.pause()
    await pilot.press("r")
    for _ in range(200):
        await settle(pilot, 1)
        if isinstance(pilot.app.screen, FeedbackDialog):
            return
        await pilot.pause(0.1)
    raise AssertionError(f"no rating prompt; the desk shows {pilot.app.screen!r}")


async def test_rating_prompt_after_a_refund_and_the_slip_is_saved(
    demo_engine, pick_receipt, tmp_path
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = desk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await _refund_first_line(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert not isinstance(app.screen, FeedbackDialog)
        await app.workers.wait_for_complete()
    with read_only(demo_engine) as session:
        txn = session.exec(select(ReturnTxn)).one()
        rating = session.exec(select(Feedback).where(Feedback.return_id == txn.id)).one()
    assert rating.rating == 4
    slips = list((tmp_path / "slips").rglob("*.pdf"))
    assert any(txn.reference in p.name for p in slips), slips


async def test_the_customer_may_skip_the_rating(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = desk(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_and_scan(pilot, receipt.code)
        await _refund_first_line(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FeedbackDialog)
    with read_only(demo_engine) as session:
        assert session.exec(select(Feedback)).all() == []
