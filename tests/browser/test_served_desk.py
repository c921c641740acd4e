"""The desk and the kiosk in a real browser: ``returns-desk serve`` driven by headless
Chromium. Checked by what they do: rows in the database, slips downloaded as PDFs whose
barcodes a real decoder reads."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlmodel import col, func, select

from returns_desk.domain.decision import Settlement
from returns_desk.services.prereturns.start import PickedLine, PreReturnRequest, start_prereturn
from returns_desk.services.staff.kiosk import kiosk_actor
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    PreReturn,
    PreReturnCheck,
    PreReturnLookup,
    ReturnTxn,
    Sale,
)
from returns_desk.store.receipts import read_receipt
from tests.browser.conftest import (
    NEEDS_CHROMIUM,
    keep_screenshot,
    log_in,
    open_terminal,
    served,
    typed,
    wait_for,
)
from tests.printing.test_prereturn_slip import _decoded

pytestmark = NEEDS_CHROMIUM


def _recent_receipt(engine):
    """A receipt sold in the last 25 days whose first line may come back."""
    with read_only(engine) as session:
        codes = session.exec(select(Sale.receipt_code).order_by(col(Sale.id).desc())).all()
    today = date.today()  # noqa: DTZ011 (as the served desk sees it)
    for code in codes:
        receipt = read_receipt(engine, code)
        line = receipt.lines[0]
        if (today - receipt.sold_at.date()).days < 25 and not (
            line.final_sale or line.serialized or receipt.gift_receipt
        ):
            return receipt
    raise AssertionError("no recent demo receipt with a plain first line")


def _count(engine, table, *where) -> int:
    with read_only(engine) as session:
        return session.exec(select(func.count()).select_from(table).where(*where)).one()


def _found(engine) -> int:
    return _count(engine, PreReturnLookup, col(PreReturnLookup.found).is_(True))


def _only_prereturn(engine) -> int:
    with read_only(engine) as session:
        return session.exec(select(PreReturn.id)).one()


def _completed(engine, prereturn_id):
    with read_only(engine) as session:
        return session.exec(select(ReturnTxn).where(ReturnTxn.prereturn_id == prereturn_id)).first()


def test_desk_in_the_browser_logs_in_opens_a_prereturn_and_completes_it(today_store, browser_page):
    engine, page = today_store, browser_page
    receipt = _recent_receipt(engine)
    request = PreReturnRequest(receipt.code, (PickedLine(1),), Settlement.REFUND)
    started = start_prereturn(engine, kiosk_actor(engine, "K1"), request, date.today())  # noqa: DTZ011
    assert started.code is not None
    with served() as url:
        log_in(page, url, engine)
        checked = PreReturnCheck.how == "scan"
        for _ in range(5):  # a key typed while the desk is still busy may land elsewhere
            looked = _found(engine)
            typed(page, started.code.token, "Enter")
            wait_for("looked the code up", lambda n=looked: _found(engine) > n, 60, page)
            typed(page, receipt.lines[0].sku, "Enter")
            try:
                wait_for(
                    "checked the item", lambda: _count(engine, PreReturnCheck, checked), 10, page
                )
                break
            except AssertionError:
                continue
        done = None
        for _ in range(3):
            typed(page, "", "F9", "r")
            try:
                done = wait_for(
                    "completed the return",
                    lambda: _completed(engine, _only_prereturn(engine)),
                    20,
                    page,
                )
                break
            except AssertionError:
                continue
        assert done is not None and done.settlement == "refund" and done.started_at is not None
        wait_for("delivered the slip", lambda: page.downloads, 60, page)
        keep_screenshot(page, "desk-in-the-browser")
    slip = next(p for p in page.downloads if p.name.startswith("return-"))
    assert slip.read_bytes().startswith(b"%PDF")
    assert _decoded(slip.read_bytes())["Code128"] == done.reference


def test_kiosk_in_the_browser_starts_a_prereturn_a_terminal_desk_completes(
    today_store, browser_page
):
    from returns_desk.tui.app import DeskApp

    engine, page = today_store, browser_page
    receipt = _recent_receipt(engine)
    found = col(PreReturnLookup.found).is_(True)
    with served("--kiosk") as url:
        open_terminal(page, url)
        for _ in range(5):  # the menu's key, then the receipt code, until it is looked up
            typed(page, "", "Escape", "1")
            typed(page, receipt.code, "Enter")
            try:
                wait_for(
                    "looked the receipt up",
                    lambda: _count(engine, PreReturnLookup, found),
                    10,
                    page,
                )
                break
            except AssertionError:
                continue
        for _ in range(5):
            typed(page, "", "Enter", "F9")  # one unit of the highlighted (first) line
            try:
                wait_for("started a pre-return", lambda: _count(engine, PreReturn), 10, page)
                break
            except AssertionError:
                continue
        wait_for("delivered the code slip", lambda: page.downloads, 60, page)
        keep_screenshot(page, "kiosk-in-the-browser")
    (slip,) = [p for p in page.downloads if p.name.startswith("prereturn-")]
    token = _decoded(slip.read_bytes())["QRCode"]
    with read_only(engine) as session:
        row = session.exec(select(PreReturn)).one()
    assert row.status == "approved" and row.channel == "browser"
    # its own thread: playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as desk:
        desk.submit(
            asyncio.run, _complete_at_a_terminal_desk(DeskApp(engine), token, receipt.lines[0].sku)
        ).result()
    assert _completed(engine, row.id) is not None


async def _complete_at_a_terminal_desk(app, token: str, sku: str) -> None:
    """A second desk, in a terminal, driven by Pilot: log in, scan the QR, the item, F9."""
    from tests.tui.test_counter import settle

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#username")
        await pilot.press(*"cleo", "enter", *"1111", "enter")
        await settle(pilot)
        await pilot.press(*token, "enter")
        await settle(pilot)
        await pilot.press(*sku, "enter")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
