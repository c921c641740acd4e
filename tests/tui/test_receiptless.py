"""The counter without a receipt, driven with Pilot at 80x24 as a clerk would: F4, the photo
ID, the item by SKU, the decision with its reasons, store credit; and the ways it says no."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input

from returns_desk.store.db import read_only
from returns_desk.store.models import ReturnTxn
from returns_desk.tui.dialogs.exchange import ExchangeDialog, Priced
from returns_desk.tui.dialogs.receiptless import (
    CustomerIdDialog,
    ProductFound,
    ProductUnknown,
    ReceiptlessItemDialog,
)
from returns_desk.tui.dialogs.search import SalesFound, SearchDialog
from returns_desk.tui.dialogs.settle import SettleDialog
from returns_desk.tui.messages import Completed, Quoted
from returns_desk.tui.screens.counter import CounterScreen
from tests.services.test_receiptless import reprice
from tests.tui.driving import drive, reason_key
from tests.tui.test_counter import RecordingDesk, fresh, log_in, plain, start_exchange, text


async def give_id(desk, number="D123-4567-89"):
    assert isinstance(desk.app.screen, CustomerIdDialog)
    await desk.press(*number, "enter")


async def take_item(desk, code, reason="changed_mind"):
    """Fill the item dialog: the code (Enter looks it up), then the reason's number key,
    which takes it; wait for the policy's quote."""
    dialog = desk.app.screen
    assert isinstance(dialog, ReceiptlessItemDialog)
    dialog.query_one("#code", Input).value = ""
    dialog.query_one("#code", Input).focus()
    await desk.press(*code, "enter")
    await desk.next(ProductFound)
    await desk.press(reason_key(reason))
    await desk.next(ProductFound)
    await desk.next(Quoted)


def row(app, index=0):
    return [str(cell) for cell in app.screen.query_one("#lines", DataTable).get_row_at(index)]


async def test_a_return_without_a_receipt_from_f4_to_store_credit(demo_engine):
    reprice(demo_engine, "HM-BLND", (10, "99.99"))  # dearer now than in the last 90 days
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in(clerk)
        assert "F4 takes the items back without a receipt." in text(app, "#receipt-summary")
        await clerk.press("f4")
        await give_id(clerk)
        await clerk.press(*"NOPE-9", "enter")  # a typo: said at once, in the dialog
        await clerk.next(ProductUnknown)
        assert "no product with SKU or UPC 'NOPE-9'" in text(app, "#item-error")
        await take_item(clerk, "HM-BLND")

        assert isinstance(app.screen, CounterScreen)
        assert "ID driver's licence ***89 checked" in text(app, "#receipt-summary")
        assert row(app) == [
            "1", "Countertop blender", "HM-BLND", "1", "$79.99", "Approved", "$86.59",
        ]  # fmt: skip
        detail = text(app, "#line-detail")
        assert "at $79.99 (today $99.99): Approved: store credit of $86.59." in detail
        assert "lowest price of the last 90 days" in detail
        assert "0 returns without a receipt in the last 365 days; the limit is 3." in detail
        assert text(app, "#status") == "1 item(s) selected: $86.59 back. F9 completes."

        await clerk.press("f9")
        assert isinstance(app.screen, SettleDialog)
        assert not app.screen.query("#way-refund") and app.screen.query("#way-store_credit")
        assert "No receipt: store credit only." in text(app, "#settle-split")
        await clerk.press("c")
        await clerk.next(Completed)
        done = text(app, "#scan-error")
        assert done.startswith("Done: RT-") and "store credit of $86.59" in done
        assert "Voucher V-" in done
        assert [m.settlement for m in app.completed] == ["store_credit"]
        assert not app.screen.query_one("#lines", DataTable).display  # ready for the next one
    with read_only(demo_engine) as session:
        (txn,) = session.exec(select(ReturnTxn)).all()
    assert txn.sale_id is None and txn.id_masked == "***89" and txn.id_type == "drivers_license"


async def test_no_id_is_denied_until_the_id_is_given(demo_engine):
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in(clerk)
        await clerk.press("f4")
        await clerk.pilot.click("#id-none")
        await take_item(clerk, "HM-LAMP")
        assert "no photo ID shown" in text(app, "#receipt-summary")
        assert row(app)[5] == "Denied"
        assert "Photo ID is required for returns without a receipt." in text(app, "#line-detail")
        assert "Item 1 is denied: drop it (Del)." in text(app, "#status")
        assert app.screen.check_action("complete", ()) is None  # shown, but disabled
        await clerk.press("f5")
        await give_id(clerk, "X9988776")
        await clerk.next(Quoted)
        assert row(app)[5] == "Approved"
        assert "F9 completes." in text(app, "#status")


async def test_no_sale_found_in_the_search_leads_to_a_return_without_receipt(demo_engine):
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in(clerk)
        await clerk.press("f3", *"C0000", "enter")
        await clerk.next(SalesFound)
        assert isinstance(app.screen, SearchDialog)
        assert "No sale matches. F4 takes the items back without a receipt." in text(
            app, "#search-error"
        )
        await clerk.press("f4")
        assert isinstance(app.screen, CustomerIdDialog)
        await clerk.press("escape")  # changed their mind: the counter is as it was
        assert isinstance(app.screen, CounterScreen) and app.screen.draft is None


async def test_a_serialized_replacement_asks_for_its_serial(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await start_exchange(clerk, receipt.code)
        await clerk.press(*"EL-TV55", "enter")
        await clerk.next(Priced)
        assert "EL-TV55" in text(app, "#exchange-error") and "serial number" in text(
            app, "#exchange-error"
        )
        await clerk.press("f9")  # not without the serial
        assert isinstance(app.screen, ExchangeDialog)
        assert "scan the serial number of the EL-TV55 first" in text(app, "#exchange-error")
        await clerk.press(*"sn-4242", "enter")
        await clerk.next(Priced)
        cells = [str(c) for c in app.screen.query_one("#new-items", DataTable).get_row_at(0)]
        assert cells[0] == "EL-TV55" and cells[-1] == "SN-4242"
        await clerk.press("f9")
        await clerk.next(Completed)
        assert "New sale" in text(app, "#scan-error")
