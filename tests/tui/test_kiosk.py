"""The customer kiosk, driven with Pilot as a customer would: start a pre-registered return,
check a voucher, tell us about a problem, rate a visit (a poor score offers a complaint with
the return filled in). Nobody logs in; everything is done as the kiosk account."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select
from textual.widgets import Select, Static, TextArea

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Complaint, Feedback, PreReturn, ReturnTxn
from returns_desk.tui.kiosk import KioskApp
from returns_desk.tui.screens.kiosk import KioskHome, RateScreen
from returns_desk.tui.screens.kiosk_complaint import KioskComplaintScreen
from tests.drafts import receipt_request
from tests.tui.test_counter import TODAY, fresh, plain, settle

SIZE = (100, 34)


def kiosk(engine, **kw):
    return KioskApp(engine, today=lambda: TODAY, **kw)


def said(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def ready(pilot):
    await settle(pilot)
    assert pilot.app.ready.wait(30)


async def test_a_customer_starts_a_return_and_gets_the_code_and_slip(
    demo_engine, pick_receipt, tmp_path
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    app = kiosk(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press(*receipt.code, "enter")
        await settle(pilot)
        assert "Bought" in said(app, "#find-result")
        await pilot.press("enter", "f9")
        await settle(pilot, 5)
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
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press(*receipt.code, "enter")
        await pilot.pause()  # not settle: its workers wait for the database
        assert not app.ready.is_set()
        up.set()
        await ready(pilot)
        await settle(pilot)
        assert "Bought" in said(app, "#find-result")


async def test_a_typo_in_the_receipt_code_is_caught_and_nothing_is_started(demo_engine):
    app = kiosk(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press(*"1010100000012", "enter")
        await settle(pilot)
        assert "check digit" in said(app, "#find-result")
        await pilot.press("f9")
        await settle(pilot)
    with read_only(demo_engine) as session:
        assert session.exec(select(PreReturn)).all() == []


async def test_a_voucher_balance(demo_engine, demo_actors):
    from returns_desk.services.vouchers.issue import issue_goodwill_voucher
    from returns_desk.store.db import unit_of_work

    with unit_of_work(demo_engine) as session:
        maria = demo_actors["maria"]
        code = issue_goodwill_voucher(session, maria, Decimal("25.00"), TODAY, "test").code
    app = kiosk(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert "$25.00 left of $25.00" in said(app, "#voucher-result")


async def test_a_complaint_from_the_kiosk_is_logged_and_acknowledged(demo_engine):
    app = kiosk(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, KioskComplaintScreen)
        screen.query_one("#category", Select).value = "service"
        screen.query_one("#what", TextArea).text = "Waited 20 minutes at the desk."
        screen.query_one("#remedy", Select).value = "apology"
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        assert "Your reference is CMP-" in said(app, "#complaint-result")
    with read_only(demo_engine) as session:
        row = session.exec(select(Complaint)).one()
    assert (row.channel, row.status, row.remedy_sought) == ("kiosk", "acknowledged", "apology")


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
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.look_beside()
        await settle(pilot)
        assert isinstance(app.screen, RateScreen)
        assert done.reference in said(app, "#rate-prompt")
        await pilot.press("2")
        await settle(pilot)
        assert "tell us what went wrong" in said(app, "#rate-prompt")
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, KioskComplaintScreen)
        assert form.return_id == done.return_id and form.receipt_code == receipt.code
        form.query_one("#category", Select).value = "refund"
        form.query_one("#what", TextArea).text = "The refund took too long."
        form.query_one("#remedy", Select).value = "explanation"
        await pilot.press("ctrl+s")
        await settle(pilot, 5)
        app.look_beside()  # rated: not offered again
        await settle(pilot)
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
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press(*"RT-404", "enter")
        await settle(pilot)
        assert "no return 'RT-404'" in said(app, "#rate-prompt")
        app.screen.query_one("#visit").value = ""
        await pilot.press(*done.reference, "enter")
        await settle(pilot)
        await pilot.press("c", *"quick 5 stars", "enter", "5")
        await settle(pilot)
        assert "Thank you!" in said(app, "#rate-prompt")
        await pilot.press("escape")
        await settle(pilot)
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
