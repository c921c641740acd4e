"""A pre-registered return at the counter, driven with Pilot: its code opens the return
pre-filled, each item is scanned (a mismatch asks for a check by hand), F9 completes."""

from __future__ import annotations

from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.services.prereturns.start import PickedLine, PreReturnRequest, start_prereturn
from returns_desk.services.staff.kiosk import kiosk_actor
from returns_desk.store.db import read_only
from returns_desk.store.models import PreReturn, PreReturnCheck, ReturnTxn
from returns_desk.tui.dialogs.manual_check import ManualCheckDialog
from returns_desk.tui.dialogs.settle import SettleDialog
from tests.tui.test_counter import TODAY, RecordingDesk, fresh, plain, settle, text


def _started(engine, receipt):
    request = PreReturnRequest(receipt.code, (PickedLine(1),), Settlement.REFUND)
    return start_prereturn(engine, kiosk_actor(engine, "K1"), request, TODAY)  # held from now


async def _log_in(pilot):
    await pilot.click("#username")
    await pilot.press(*"cleo", "enter", *"1111", "enter")
    await settle(pilot)


async def test_the_qr_opens_it_prefilled_each_item_is_scanned_then_f9(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    started = _started(demo_engine, receipt)
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _log_in(pilot)
        await pilot.press(*started.code.token, "enter")
        await settle(pilot)
        assert "Pre-registered return PR-" in text(app, "#receipt-summary")
        assert "line 1 not checked yet" in text(app, "#status")
        await pilot.press("f9")  # not before the item is seen
        await settle(pilot)
        assert not isinstance(app.screen, SettleDialog)
        await pilot.press(*receipt.lines[0].sku, "enter")
        await settle(pilot)
        assert "F9 completes" in text(app, "#status")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SettleDialog)
        await pilot.press("r")
        await settle(pilot, 6)
    with read_only(demo_engine) as session:
        row = session.exec(select(PreReturn)).one()
        txn = session.exec(select(ReturnTxn)).one()
    assert row.status == "completed" and txn.prereturn_id == row.id
    assert [m.reference for m in app.completed] == [txn.reference]


async def test_a_mismatch_asks_for_a_check_by_hand(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    started = _started(demo_engine, receipt)
    other = "HM-LAMP" if receipt.lines[0].sku != "HM-LAMP" else "EL-CBL"
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _log_in(pilot)
        await pilot.press(*started.code.pretty, "enter")
        await settle(pilot)
        await pilot.press(*other, "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ManualCheckDialog)
        dialog.query_one("#manual-line").value = 1
        await pilot.click("#seen")
        await pilot.press(*"label torn, same item", "enter")
        await settle(pilot)
        assert "F9 completes" in text(app, "#status")
    with read_only(demo_engine) as session:
        checks = [c.how for c in session.exec(select(PreReturnCheck)).all()]
    assert checks == ["mismatch", "manual"]


async def test_a_used_code_says_so_at_the_counter(demo_engine, pick_receipt, demo_actors):
    from returns_desk.services.prereturns.moves import cancel_prereturn

    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    started = _started(demo_engine, receipt)
    cancel_prereturn(demo_engine, demo_actors["cleo"], started.reference, "changed mind")
    app = RecordingDesk(demo_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _log_in(pilot)
        await pilot.press(*started.code.token, "enter")
        await settle(pilot)
        assert "was cancelled: changed mind" in text(app, "#scan-error")
        assert app.screen.draft is None


async def test_the_customers_tier_at_purchase_is_shown_on_the_counter(demo_engine, pick_receipt):
    """Premium care starts at the counter: the tier the sale was made under, beside it."""
    from returns_desk.tui.messages import ReceiptFound
    from tests.tui.driving import drive
    from tests.tui.test_counter import desk, log_in_and_scan

    gold = pick_receipt(lambda r: r.loyalty_tier == "gold")
    plain_sale = pick_receipt(lambda r: not r.loyalty_tier)
    app = desk(demo_engine)
    async with drive(app, (100, 30)) as pilot:
        await log_in_and_scan(pilot, gold.code)
        assert "tier gold" in text(app, "#receipt-summary")
        await pilot.press("escape")
        await pilot.press(*plain_sale.code, "enter")
        await pilot.next(ReceiptFound)
        shown = text(app, "#receipt-summary")
        assert plain_sale.code[-4:-1] in shown.replace("-", "") and "tier" not in shown
