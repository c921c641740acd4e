"""The customer kiosk, driven with Pilot as a customer would: start a pre-registered return,
check a voucher, tell us about a problem, rate a visit (a poor score offers a complaint with
the return filled in). Nobody logs in; everything is done as the kiosk account, and nobody
can quit it or reach anything but its menu. Tests wait on the messages its workers post."""

from __future__ import annotations

from contextlib import asynccontextmanager
from decimal import Decimal

from sqlmodel import select
from textual.command import CommandList, CommandPalette
from textual.widgets import Select, Static, TextArea

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Complaint, Feedback, PreReturn, ReturnTxn
from returns_desk.tui.kiosk import KioskApp
from returns_desk.tui.kiosk_messages import (
    Beside,
    ComplaintSent,
    KioskReady,
    KioskRefused,
    PreReturnStarted,
    RatingSaved,
    SaleFound,
    VisitFound,
    VoucherChecked,
)
from returns_desk.tui.screens.kiosk import KioskHome, RateScreen, VoucherScreen
from returns_desk.tui.screens.kiosk_complaint import KioskComplaintScreen
from tests.drafts import receipt_request
from tests.tui.driving import drive
from tests.tui.test_counter import TODAY, fresh, plain

SIZE = (100, 34)
NEVER = 24 * 3600.0  # a display's own look beside the register: the tests look themselves


def kiosk(engine, **kw):
    return KioskApp(engine, today=lambda: TODAY, beside_every=NEVER, **kw)


def said(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


@asynccontextmanager
async def at_kiosk(app):
    """The kiosk, once its database and account are up."""
    async with drive(app, size=SIZE) as customer:
        await customer.next(KioskReady)
        yield customer


async def test_a_customer_starts_a_return_and_gets_the_code_and_slip(
    demo_engine, pick_receipt, tmp_path
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("1")
        await customer.press(*receipt.code, "enter")
        await customer.next(SaleFound)
        assert "Bought" in said(app, "#find-result")
        await customer.press("enter", "f9")
        await customer.next(PreReturnStarted)
        words = said(app, "#request-result")
    with read_only(demo_engine) as session:
        row = session.exec(select(PreReturn)).one()
    assert f"Your return code: P-{row.short_code[1:5]}" in words
    assert row.status == "approved" and row.channel == "kiosk" and row.created_by == "kiosk"
    assert list((tmp_path / "slips").glob(f"prereturn-{row.reference}*.pdf"))


async def test_a_receipt_typed_before_the_database_is_up_is_found_once_it_is(
    demo_engine, pick_receipt
):
    """A served kiosk starts its database behind the welcome screen: a customer quick with
    the keys waits for it, rather than ending the session."""
    import threading

    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    up = threading.Event()

    def slow_database():
        up.wait(30)
        return demo_engine

    app = kiosk(slow_database)
    async with drive(app, size=SIZE) as customer:
        await customer.press("1")
        await customer.press(*receipt.code, "enter")
        assert not app.ready.is_set()  # its workers wait for the database
        up.set()
        await customer.next(KioskReady)
        await customer.next(SaleFound)
        assert "Bought" in said(app, "#find-result")


async def test_a_typo_in_the_receipt_code_is_caught_and_nothing_is_started(demo_engine):
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("1")
        await customer.press(*"1010100000012", "enter")
        await customer.next(KioskRefused)
        assert "check digit" in said(app, "#find-result")
        await customer.press("f9")  # nothing found: nothing to ask for
        assert "Get my code" not in str(app.screen.active_bindings)
    with read_only(demo_engine) as session:
        assert session.exec(select(PreReturn)).all() == []


async def test_a_voucher_balance(demo_engine, demo_actors):
    from returns_desk.services.vouchers.issue import issue_goodwill_voucher
    from returns_desk.store.db import unit_of_work

    with unit_of_work(demo_engine) as session:
        maria = demo_actors["maria"]
        code = issue_goodwill_voucher(session, maria, Decimal("25.00"), TODAY, "test").code
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("2")
        await customer.press(*code, "enter")
        await customer.next(VoucherChecked)
        assert "$25.00 left of $25.00" in said(app, "#voucher-result")


async def test_a_complaint_from_the_kiosk_is_logged_and_acknowledged(demo_engine):
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("3")
        screen = app.screen
        assert isinstance(screen, KioskComplaintScreen)
        screen.query_one("#category", Select).value = "service"
        screen.query_one("#what", TextArea).text = "Waited 20 minutes at the desk."
        screen.query_one("#remedy", Select).value = "apology"
        await customer.press("ctrl+s")
        await customer.next(ComplaintSent)
        assert "Your reference is CMP-" in said(app, "#complaint-result")
    with read_only(demo_engine) as session:
        row = session.exec(select(Complaint)).one()
    assert (row.channel, row.status, row.remedy_sought) == ("kiosk", "acknowledged", "apology")


async def palette_offers(customer, typed: str = "") -> list[str]:
    """What the command palette lists for ``typed``, once its search is done."""
    if not CommandPalette.is_open(customer.app):
        await customer.press("ctrl+p")
        await customer.next(CommandPalette.Opened)
    if typed:
        await customer.press(*typed)
    await customer.app.workers.wait_for_complete()  # the palette's own search
    await customer.pilot.pause()
    found = customer.app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


async def test_a_customer_cannot_quit_the_kiosk_or_reach_staff_commands(demo_engine):
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("ctrl+q")
        await customer.press("ctrl+c")
        assert app.is_running and isinstance(app.screen, KioskHome)
        assert app.return_code is None
        offered = await palette_offers(customer)
        titles = {line.split("\n")[0] for line in offered}
        assert titles == {"Start a return", "Check a voucher", "Report a problem",
                          "Rate your visit"}  # fmt: skip
        assert await palette_offers(customer, "quit") == []
        await customer.press("escape")
        assert not CommandPalette.is_open(app)
        await customer.press("3")  # a page, then the palette: back to the menu's choice
        assert "Check a voucher" in (await palette_offers(customer, "vouch"))[0]
        await customer.press("enter")
        await customer.pilot.pause()
        assert isinstance(app.screen, VoucherScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [KioskHome, VoucherScreen]
        await customer.press("ctrl+q")
        assert app.is_running and app.return_code is None


def _completed_return(engine, actors, receipt):
    item = ReturnItem(1, 1, reason_code="changed_mind")
    request = receipt_request(engine, receipt.code, [item], Settlement.REFUND)
    return complete_return(engine, actors["cleo"], request, TODAY)


async def test_beside_the_register_it_offers_the_return_and_a_poor_score_offers_a_complaint(
    demo_engine, demo_actors, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    done = _completed_return(demo_engine, demo_actors, receipt)
    app = kiosk(demo_engine, pair="R1")
    async with at_kiosk(app) as customer:
        app.look_beside()
        assert (await customer.next(Beside)).visit.return_id == done.return_id
        assert isinstance(app.screen, RateScreen)
        assert done.reference in said(app, "#rate-prompt")
        await customer.press("2")
        await customer.next(RatingSaved)
        assert "tell us what went wrong" in said(app, "#rate-prompt")
        await customer.press("t")
        form = app.screen
        assert isinstance(form, KioskComplaintScreen)
        assert form.return_id == done.return_id and form.receipt_code == receipt.code
        form.query_one("#category", Select).value = "refund"
        form.query_one("#what", TextArea).text = "The refund took too long."
        form.query_one("#remedy", Select).value = "explanation"
        await customer.press("ctrl+s")
        await customer.next(ComplaintSent)
        app.look_beside()  # rated: not offered again
        assert (await customer.next(Beside)).visit is None
        assert not isinstance(app.screen, RateScreen)
    with read_only(demo_engine) as session:
        rating = session.exec(select(Feedback)).one()
        complaint = session.exec(select(Complaint)).one()
        by = session.exec(
            select(AuditEvent.actor).where(AuditEvent.action == "feedback.record")
        ).one()
    assert (rating.return_id, rating.rating, by) == (done.return_id, 2, "kiosk")
    assert complaint.return_id == done.return_id and complaint.sale_id is not None


async def test_rate_by_the_reference_on_the_slip_with_a_comment(
    demo_engine, demo_actors, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    done = _completed_return(demo_engine, demo_actors, receipt)
    app = kiosk(demo_engine)
    async with at_kiosk(app) as customer:
        await customer.press("4")
        await customer.press(*"RT-404", "enter")
        await customer.next(KioskRefused)
        assert "no return 'RT-404'" in said(app, "#rate-prompt")
        app.screen.query_one("#visit").value = ""
        await customer.press(*done.reference, "enter")
        await customer.next(VisitFound)
        await customer.press("c", *"quick 5 stars", "enter", "5")
        await customer.next(RatingSaved)
        assert "Thank you!" in said(app, "#rate-prompt")
        await customer.press("escape")
        assert isinstance(app.screen, KioskHome)
    with read_only(demo_engine) as session:
        rating = session.exec(select(Feedback)).one()
        txn = session.exec(select(ReturnTxn)).one()
    assert (rating.return_id, rating.rating, rating.comment) == (txn.id, 5, "quick 5 stars")


def test_the_kiosk_account_cannot_log_in_at_the_desk(demo_engine):
    import pytest

    from returns_desk.services.staff.kiosk import kiosk_actor
    from returns_desk.services.staff.security import AuthError, log_in

    first, again = kiosk_actor(demo_engine, "K1"), kiosk_actor(demo_engine, "K2")
    assert first.user_id == again.user_id and again.register == "K2"
    with pytest.raises(AuthError, match="no active user"):
        log_in(demo_engine, "kiosk", "0000")
