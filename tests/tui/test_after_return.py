"""After a completed return the desk prints its slips; the customer rates the visit on the
customer display beside the desk, and the clerk's screen never asks for (or shows) a score."""

from __future__ import annotations

from sqlmodel import select

from returns_desk.store.db import read_only
from returns_desk.store.models import Feedback, ReturnTxn
from returns_desk.tui.kiosk import KioskApp
from returns_desk.tui.kiosk_messages import Beside, KioskReady, RatingSaved
from returns_desk.tui.messages import Completed, DeskNotice, ReceiptFound
from returns_desk.tui.screens.counter import CounterScreen
from returns_desk.tui.screens.kiosk import RateScreen
from tests.tui.driving import drive
from tests.tui.test_counter import TODAY, desk, fresh, log_in_and_scan, plain, take_line


async def refund_first_line(clerk) -> str:
    """Refund line 1 of the receipt on the counter; what the counter then says."""
    await take_line(clerk, 1)
    await clerk.press("f9", "r")
    await clerk.next(Completed)
    await clerk.next(ReceiptFound)  # the receipt again, as it is now
    said = str(clerk.app.screen.query_one("#scan-error").render())
    assert said.startswith("Done:"), said
    return said


async def test_the_slip_is_saved_and_the_customer_rates_on_the_display_beside_the_desk(
    demo_engine, pick_receipt, tmp_path
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await refund_first_line(clerk)
        await clerk.next(DeskNotice)  # the slips are printed
        assert isinstance(app.screen, CounterScreen)  # no rating on the clerk's screen
    with read_only(demo_engine) as session:
        txn = session.exec(select(ReturnTxn)).one()
    slips = list((tmp_path / "slips").rglob("*.pdf"))
    assert any(txn.reference in p.name for p in slips), slips
    display = KioskApp(
        demo_engine, register="K1", pair="R1", today=lambda: TODAY, beside_every=3600
    )
    async with drive(display) as customer:
        await customer.next(KioskReady)
        display.look_beside()
        await customer.next(Beside)
        assert isinstance(display.screen, RateScreen)
        await customer.press("4")
        await customer.next(RatingSaved)
    with read_only(demo_engine) as session:
        rating = session.exec(select(Feedback).where(Feedback.return_id == txn.id)).one()
    assert rating.rating == 4


async def test_a_display_beside_another_register_offers_nothing(
    demo_engine, demo_actors, pick_receipt
):
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.services.returns.complete import complete_return
    from tests.drafts import receipt_request

    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    item = ReturnItem(1, 1, reason_code="changed_mind")
    request = receipt_request(demo_engine, receipt.code, [item], Settlement.REFUND)
    complete_return(demo_engine, demo_actors["cleo"], request, TODAY)  # at R1
    display = KioskApp(
        demo_engine, register="K2", pair="R2", today=lambda: TODAY, beside_every=3600
    )
    async with drive(display) as customer:
        await customer.next(KioskReady)
        display.look_beside()
        assert (await customer.next(Beside)).visit is None
        assert not isinstance(display.screen, RateScreen)


async def test_the_next_receipt_scanned_right_after_a_return_opens_it(demo_engine, pick_receipt):
    """A scanner is a keyboard: whatever has the focus after a return, its burst reaches the
    scan field and opens that receipt (Enter does not pick a line of the last one)."""
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    following = pick_receipt(lambda r: r.code != receipt.code and len(r.lines) > 1)
    app = desk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await refund_first_line(clerk)
        assert app.focused is app.screen.query_one("#lines")  # the receipt as it is now
        await clerk.burst(following.code + "\n")
        found = await clerk.next(ReceiptFound)
        assert found.receipt.code == following.code
        assert isinstance(app.screen, CounterScreen)  # no line dialog opened
        assert app.screen.query_one("#scan").value == following.code
