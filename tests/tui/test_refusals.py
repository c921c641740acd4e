"""A completion the services refuse leaves the counter as things now are: what the clerk
scanned is still there, and the receipt shows what another register did meanwhile."""

from __future__ import annotations

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.services.returns.complete import complete_return
from returns_desk.tui.dialogs.exchange import ExchangeDialog, Priced
from returns_desk.tui.messages import Quoted, ReceiptFound, Refused
from tests.drafts import receipt_request
from tests.tui.driving import drive
from tests.tui.test_counter import (
    TODAY,
    RecordingDesk,
    fresh,
    log_in,
    log_in_and_scan,
    plain,
    start_exchange,
    take_line,
    text,
)


async def test_a_line_returned_at_another_register_meanwhile_shows_what_is_left(
    demo_engine, demo_actors, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].qty > 1)
    line = receipt.lines[0]
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await log_in_and_scan(clerk, receipt.code)
        await take_line(clerk, 1)  # all of it
        table = app.screen.query_one("#lines")
        assert table.get_row_at(0)[3] == str(line.qty)
        # another register takes one unit back before this one completes
        other = ReturnItem(1, 1, Condition.UNOPENED, "changed_mind")
        request = receipt_request(demo_engine, receipt.code, (other,), Settlement.STORE_CREDIT)
        complete_return(demo_engine, demo_actors["maria"], request, TODAY)
        await clerk.press("f9", "r")
        await clerk.next(Refused)
        await clerk.next(ReceiptFound)  # read again
        assert "already returned" in text(app, "#scan-error")
        assert table.get_row_at(0)[3] == str(line.qty - 1)  # the Left column as it is now
        assert app.screen.draft.items == ()  # what no longer fits is out; take it again
        await take_line(clerk, 1, qty=line.qty - 1)
        assert "F9 completes" in text(app, "#status")


async def test_a_voucher_refused_at_completion_keeps_the_scanned_basket(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200)
    app = RecordingDesk(demo_engine)
    async with drive(app) as clerk:
        await start_exchange(clerk, receipt.code)
        await clerk.press(*"FN-SOFA", "enter")
        await clerk.next(Priced)
        app.screen.query_one("#voucher").value = "V-NOT-A-VOUCHER"
        await clerk.press("f9")
        await clerk.next(Refused)
        assert "voucher cannot pay the difference" in text(app, "#scan-error")
        await clerk.next(Quoted)  # the receipt read again, the line quoted again
        assert app.completed == []
        await clerk.press("f9", "x")
        assert isinstance(app.screen, ExchangeDialog)
        await clerk.next(Priced)
        rows = app.screen.query_one("#new-items")
        assert rows.row_count == 1 and str(rows.get_row_at(0)[0]) == "FN-SOFA"
        assert app.screen.query_one("#voucher").value == "V-NOT-A-VOUCHER"


async def test_the_title_names_the_register_as_exports_do(demo_engine):
    app = RecordingDesk(demo_engine, register="R2")
    async with drive(app) as clerk:
        await log_in(clerk)
        assert app.sub_title.endswith("at register 92")
