"""The everyday return in about four keys after the scan, counted and pinned: Enter on the
line, the reason by its number (quantity and condition preset), F9, and the way it is
settled. A change that adds a key to these paths fails here."""

from __future__ import annotations

from returns_desk.tui.dialogs.exchange import ExchangeDialog, Priced
from returns_desk.tui.messages import Completed, Quoted
from tests.tui.driving import drive
from tests.tui.test_counter import RecordingDesk, fresh, log_in_and_scan, plain, text

REFUND = ("enter", "1", "f9", "r")
STORE_CREDIT = ("enter", "1", "f9", "c")
EXCHANGE = ("enter", "1", "f9", "x", "f9")  # and the replacement item's scan


async def press_counting(clerk, keys, scan: str = "") -> int:
    """Press ``keys`` one by one as a clerk would, waiting where the desk works (the quote
    after the reason; the price after a scan); the scan is a scanner's burst, not keys."""
    for key in keys:
        await clerk.press(key)
        if key == "1":
            await clerk.next(Quoted)
        if key == "x" and scan:
            assert isinstance(clerk.app.screen, ExchangeDialog)
            await clerk.burst(scan + "\n")
            await clerk.next(Priced)
    await clerk.next(Completed)
    return len(keys)


def everyday(receipt) -> bool:
    line = receipt.lines[0]
    return fresh(receipt) and plain(line) and line.paid < 200


async def test_a_refund_takes_four_keys(demo_engine, pick_receipt):
    receipt = pick_receipt(everyday)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        assert await press_counting(clerk, REFUND) == 4
        assert text(app, "#scan-error").startswith("Done: RT-")
    assert [m.settlement for m in app.completed] == ["refund"]


async def test_store_credit_takes_four_keys(demo_engine, pick_receipt):
    receipt = pick_receipt(everyday)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        assert await press_counting(clerk, STORE_CREDIT) == 4
        assert "Voucher V-" in text(app, "#scan-error")
    assert [m.settlement for m in app.completed] == ["store_credit"]


async def test_an_exchange_of_one_item_takes_five_keys_and_the_scan(demo_engine, pick_receipt):
    receipt = pick_receipt(everyday)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        assert await press_counting(clerk, EXCHANGE, scan="TY-PUZ") == 5
        assert "New sale" in text(app, "#scan-error")
    assert [m.settlement for m in app.completed] == ["exchange"]
