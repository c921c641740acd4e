"""Complaints and feedback at the desk, driven with Pilot at 80x24: logging, the list, and
the steps a manager takes every day (pause and resume, decide, the customer's answer,
close with a reason, monitoring)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from returns_desk.domain.complaint import Outcome, Remedy, Status
from returns_desk.services.complaints.decisions import decide
from returns_desk.services.complaints.lifecycle import NewComplaint, log_complaint, transition
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Complaint, ComplaintSatisfaction, Sale, Store
from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.complaint_form import ComplaintForm
from returns_desk.tui.dialogs.complaint_move import StepDialog
from returns_desk.tui.messages import ReceiptFound
from returns_desk.tui.screens.complaint_detail import ComplaintDetailScreen
from returns_desk.tui.screens.complaint_monitor import ComplaintMonitorScreen
from returns_desk.tui.screens.complaints import ComplaintListScreen
from tests.tui.driving import drive

SIZE = (80, 24)


async def _settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _open_list(pilot, actor):
    """Skip the PIN dance (tested elsewhere): be ``actor`` and press F8."""
    pilot.app.actor = actor
    await pilot.press("f8")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, ComplaintListScreen)


async def _open(pilot, actor, reference):
    pilot.app.actor = actor
    pilot.app.push_screen(ComplaintDetailScreen(reference))
    await _settle(pilot)


def _rows(app):
    table = app.screen.query_one("#complaint-rows", DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


def _text(app, selector):
    return str(app.screen.query_one(selector, Static).render())


async def _choose(pilot, nth):
    """On a focused select: open it and take the ``nth`` option (1 = the first)."""
    await pilot.press("enter", *["down"] * nth, "enter")


def _log(engine, actor, **kw):
    fields = {
        "category": "refund",
        "description": "Still waiting for refund",
        "remedy_sought": "refund",
    }
    return log_complaint(engine, actor, NewComplaint(**{**fields, **kw}))


async def test_clerk_logs_a_complaint_prefilled_from_a_receipt_and_a_slip_prints(
    demo_engine, demo_actors, pick_receipt, tmp_path, monkeypatch
):
    monkeypatch.setenv("RETURNS_DESK_SLIPS", str(tmp_path))
    receipt = pick_receipt(lambda r: True)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.actor = demo_actors["cleo"]
        app.push_screen(ComplaintForm(receipt_code=receipt.code))
        await pilot.pause()
        await _choose(pilot, 1)  # category: the first one
        await pilot.press("tab", "tab", "tab", *"Zip broke on first wear", "tab")
        await _choose(pilot, 2)  # remedy sought: the second, exchange
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert not isinstance(app.screen, ComplaintForm)
    [row] = list_complaints(demo_engine)
    assert re.fullmatch(r"CMP-\d{4}-000001", row.reference)
    assert (row.category, row.status) == ("product quality", Status.ACKNOWLEDGED)
    detail = complaint_detail(demo_engine, row.reference)
    assert (detail.description, detail.remedy_sought) == ("Zip broke on first wear", "exchange")
    assert detail.receipt_code.replace("-", "") == receipt.code
    assert [p.name for p in tmp_path.glob("*.pdf")] == [f"complaint-{row.reference}.pdf"]


async def test_every_select_on_the_form_has_a_label(demo_engine, demo_actors):
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.actor = demo_actors["cleo"]
        app.push_screen(ComplaintForm())
        await pilot.pause()
        for select in app.screen.query(Select):
            labels = [str(w.render()) for w in select.parent.children if isinstance(w, Label)]
            assert labels, f"the {select.id} select has no label"
        shown = [str(w.render()) for w in app.screen.query(Label)]
        assert {"Category", "Severity", "Channel", "Remedy the customer seeks"} <= set(shown)


async def test_form_explains_what_is_missing_and_keeps_what_was_typed(demo_engine, demo_actors):
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.actor = demo_actors["cleo"]
        app.push_screen(ComplaintForm(receipt_code="1010390000019"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert "category: pick one" in _text(app, "#form-error")
        await _choose(pilot, 1)
        await pilot.press("tab", "tab", "tab", *"Late")
        await pilot.press("ctrl+s")
        assert "remedy sought: pick one" in _text(app, "#form-error")
        await _choose(pilot, 7)  # none stated
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintForm)
        error = _text(app, "#form-error")
        assert "receipt:" in error and "check digit" in error
        assert app.screen.query_one("#description").text == "Late"
    assert list_complaints(demo_engine) == []


def _seed(engine, actors):
    cleo = actors["cleo"]
    late = _log(engine, cleo, customer_name="Ines", channel="email")
    with read_only(engine) as session:  # logged 20 days ago, due after a week
        row = session.exec(select(Complaint).where(Complaint.reference == late)).one()
    back = datetime.now(UTC) - timedelta(days=20)
    with unit_of_work(engine) as session:
        row.created_at = row.clock_started_at = back
        row.due_at = back + timedelta(days=7)
        session.add(row)
    fresh = _log(engine, cleo, category="service", description="Queue was long")
    return late, fresh


async def test_list_filters_and_overdue_rows_stand_out(demo_engine, demo_actors):
    late, fresh = _seed(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["avi"])
        rows = {str(r[0]): r for r in _rows(app)}
        assert set(rows) == {late, fresh}
        assert "bold red" in str(rows[late][0].style) and not str(rows[fresh][0].style)
        assert "LATE" in str(rows[late][5])
        assert "2 complaints, 1 overdue" in _text(app, "#complaints-summary")
        await pilot.press("o")
        await _settle(pilot)
        assert [str(r[0]) for r in _rows(app)] == [late]
        assert _text(app, "#complaints-summary").startswith("1 complaint, 1 overdue")
        await pilot.press("o")
        await _settle(pilot)
        app.screen.query_one("#filter-category").focus()
        await pilot.press("enter", "down", "down", "enter")  # product quality, then refund
        await _settle(pilot)
        assert [str(r[0]) for r in _rows(app)] == [late]
        await pilot.press("n")  # auditors cannot log complaints
        assert isinstance(app.screen, ComplaintListScreen)


async def test_scanning_an_acknowledgement_slip_opens_the_complaint(demo_engine, demo_actors):
    _, fresh = _seed(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["maria"])
        await pilot.press("f", *fresh.lower(), "enter")
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen) and app.screen.reference == fresh
        assert fresh in _text(app, "#detail-facts")


async def test_scanning_a_complaint_slip_at_the_counter_opens_it(demo_engine, demo_actors):
    _, fresh = _seed(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#username")
        await pilot.press(*"cleo", "enter", *"1111", "enter")
        await _settle(pilot)
        await pilot.press(*fresh, "enter")  # the scanner types the barcode
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen) and app.screen.reference == fresh


async def test_a_clerk_sees_only_their_stores_complaints(demo_engine, demo_actors):
    with read_only(demo_engine) as session:
        harbor = session.exec(select(Sale).join(Store).where(Store.number == 102)).first()
    away = _log(demo_engine, demo_actors["maria"], receipt_code=harbor.receipt_code)
    here = _log(demo_engine, demo_actors["cleo"])
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["cleo"])  # at store 101's desk
        assert [str(r[0]) for r in _rows(app)] == [here]
        await pilot.press("escape")
        await _open_list(pilot, demo_actors["maria"])
        assert {str(r[0]) for r in _rows(app)} == {here, away}


async def test_pause_and_resume_the_clock(demo_engine, demo_actors):
    ref = _log(demo_engine, demo_actors["cleo"])
    transition(demo_engine, demo_actors["maria"], ref, Status.INVESTIGATING)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, demo_actors["maria"], ref)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, StepDialog)
        await _choose(pilot, 1)  # waiting on: the customer
        await pilot.press("tab", *"receipt photo", "enter")
        await _settle(pilot)
        assert "WAITING" in _text(app, "#detail-facts")
        assert "clock paused" in _text(app, "#detail-facts")
        assert "clock paused" in _text(app, "#detail-error")
        await pilot.press("r")
        await _settle(pilot)
        assert "INVESTIGATING" in _text(app, "#detail-facts")
    detail = complaint_detail(demo_engine, ref)
    assert [(p.waiting_on, p.note) for p in detail.pauses] == [("customer", "receipt photo")]
    assert detail.pauses[0].ended_at is not None and detail.row.due_at is not None


async def test_decide_then_record_the_customers_answer_then_close(demo_engine, demo_actors):
    ref = _log(demo_engine, demo_actors["cleo"])
    transition(demo_engine, demo_actors["maria"], ref, Status.INVESTIGATING)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, demo_actors["maria"], ref)
        await pilot.press("d")
        await pilot.pause()
        await _choose(pilot, 1)  # outcome: upheld
        await pilot.press("tab")
        await _choose(pilot, 6)  # remedy: apology
        await pilot.press("tab", "tab", *"The kettle was faulty; we are sorry.", "enter")
        await _settle(pilot)
        assert "DECIDED" in _text(app, "#detail-facts")
        assert "Decision" in _text(app, "#detail-decision")
        assert "remedy apology" in _text(app, "#detail-decision")
        await pilot.press("y")
        await pilot.pause()
        await _choose(pilot, 1)  # the customer: accepted
        await pilot.press("tab", *"happy with that", "enter")
        await _settle(pilot)
        assert "RESOLVED" in _text(app, "#detail-facts")
        await pilot.press("c")
        await pilot.pause()
        await _choose(pilot, 1)  # reason: accepted (the only one a resolved complaint has)
        await pilot.press("tab", *"thanked", "tab")
        await _choose(pilot, 5)  # how well did we handle it: 5
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert "CLOSED" in _text(app, "#detail-facts")
        assert "Closed: accepted" in _text(app, "#detail-facts")
        history = app.screen.query_one("#detail-history", DataTable)
        assert history.get_row_at(history.row_count - 1)[1:] == [
            "resolved->closed",
            "Maria Manager",
            "accepted; thanked",
        ]
        assert [b.name for b in app.screen.query(Button)] == ["reopen", "note", "slip"]
    with read_only(demo_engine) as session:
        assert session.exec(select(ComplaintSatisfaction.rating)).all() == [5]


async def test_a_required_reason_left_empty_keeps_the_dialog_and_the_keys(demo_engine, demo_actors):
    ref = _log(demo_engine, demo_actors["cleo"], resolved_at_first_contact="refunded")
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, demo_actors["maria"], ref)
        await pilot.press("o", "enter")  # reopen, then Enter with the reason empty
        await pilot.pause()
        assert isinstance(app.screen, StepDialog)
        assert "why reopen: needed" in _text(app, "#move-error")
        await pilot.press(*"leaks again")  # 'e' and 'a' would be keys on the complaint
        assert app.screen.query_one("#step-note", Input).value == "leaks again"
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        assert "INVESTIGATING" in _text(app, "#detail-facts")
    assert complaint_detail(demo_engine, ref).reopen_count == 1


async def test_a_refusal_is_shown_on_the_complaint(demo_engine, demo_actors):
    ref = _log(demo_engine, demo_actors["cleo"], category="staff", named_staff="maria")
    transition(demo_engine, demo_actors["maria"], ref, Status.INVESTIGATING)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, demo_actors["maria"], ref)
        await pilot.press("d")
        await pilot.pause()
        await _choose(pilot, 3)  # not upheld
        await pilot.press("tab")
        await _choose(pilot, 7)  # no remedy
        await pilot.press("tab", "tab", *"Polite on CCTV", "enter")
        await _settle(pilot)
        assert "Maria Manager is named in this complaint" in _text(app, "#detail-error")
        assert "INVESTIGATING" in _text(app, "#detail-facts")


async def test_clerk_sees_only_the_steps_a_clerk_may_take(demo_engine, demo_actors):
    _, fresh = _seed(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["cleo"])
        await pilot.press("enter")
        await _settle(pilot)
        assert [b.name for b in app.screen.query(".move")] == ["note"]
        await pilot.press("i")
        await _settle(pilot)
        assert "ACKNOWLEDGED" in _text(app, "#detail-facts")
        await pilot.press("escape")
        assert isinstance(app.screen, ComplaintListScreen)


async def test_monitoring_shows_the_figures_and_writes_the_review(
    demo_engine, demo_actors, tmp_path, monkeypatch
):
    monkeypatch.setenv("RETURNS_DESK_SLIPS", str(tmp_path))
    maria = demo_actors["maria"]
    late, fresh = _seed(demo_engine, demo_actors)
    transition(demo_engine, maria, fresh, Status.INVESTIGATING)
    decide(demo_engine, maria, fresh, Outcome.UPHELD, "Sorry.", Remedy.APOLOGY)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, maria)
        await pilot.press("m")
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintMonitorScreen)
        figures = app.screen.query_one("#monitor-figures", DataTable)
        rows = {
            str(r[0]): str(r[1]) for r in (figures.get_row_at(i) for i in range(figures.row_count))
        }
        assert rows["Complaints logged"] == "2"
        assert rows["Decision within target"] == "1 of 2 (50.0%)"
        assert rows["Target missed (breached)"] == "1 of 2 (50.0%)"
        pareto = app.screen.query_one("#monitor-pareto", DataTable)
        assert [str(pareto.get_row_at(i)[0]) for i in range(pareto.row_count)] == [
            "refund",
            "service",
        ]
        assert str(pareto.get_row_at(1)[3]) == "100.0%"
        await pilot.press("p")
        await _settle(pilot)
        assert "review written" in _text(app, "#monitor-notice")
        await pilot.press("left_square_bracket")
        await _settle(pilot)
        assert "0 logged" in _text(app, "#monitor-period")
    [pdf] = tmp_path.glob("complaints-review-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_f6_at_the_counter_opens_the_form_with_the_open_receipt(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: True)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#username")
        await pilot.press(*"cleo", "enter", *"1111", "enter")
        await _settle(pilot)
        await pilot.press(*receipt.code, "enter")
        await _settle(pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ComplaintForm)
        assert app.screen.query_one("#receipt").value == receipt.code


async def test_a_decided_refund_is_carried_out_at_the_counter_and_linked(
    demo_engine, demo_actors, pick_receipt
):
    from tests.tui.test_counter import RecordingDesk, completed, fresh, log_in, plain, take_line

    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    maria = demo_actors["maria"]
    ref = _log(demo_engine, demo_actors["cleo"], receipt_code=receipt.code)
    transition(demo_engine, maria, ref, Status.INVESTIGATING)
    decide(demo_engine, maria, ref, Outcome.UPHELD, "It was faulty.", Remedy.REFUND)
    app = RecordingDesk(demo_engine)
    async with drive(app, SIZE) as desk:
        await log_in(desk, "maria", "9999")
        app.open_complaint(ref)
        await _settle(desk.pilot)
        await desk.press("k")  # carry the refund out at the counter
        await desk.next(ReceiptFound)
        assert f"Remedy for {ref}" in _text(app, "#scan-error")
        await take_line(desk, 1)
        await desk.press("f9")
        await desk.press("r")
        said = await completed(desk)
        assert said.startswith("Done: RT-")
    done = complaint_detail(demo_engine, ref).decision.remedy_done
    assert done == app.completed[0].reference


async def test_refer_to_a_dispute_body_record_its_outcome_implement_and_close(
    demo_engine, demo_actors
):
    from tests.services.test_complaint_disputes import rejected_for_good

    ref = rejected_for_good(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, demo_actors["maria"], ref)
        await pilot.press("e", *"Retail Dispute Service", "tab")
        await _choose(pilot, 2)  # advisory
        await pilot.press("tab", "space", "tab", "tab", *"Worn, not faulty", "enter")
        await _settle(pilot)
        assert "REFERRED" in _text(app, "#detail-facts")
        await pilot.press("u")
        await pilot.pause()
        await _choose(pilot, 1)  # settlement
        await pilot.press("tab", *"25.00 store credit", "enter")
        await _settle(pilot)
        await pilot.press("l", "tab", *"25.00", "enter", "enter")
        await _settle(pilot)
        assert "implemented (V" in _text(app, "#detail-error")
        await pilot.press("c")
        await pilot.pause()
        await _choose(pilot, 1)  # referred externally
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert "Closed: referred externally" in _text(app, "#detail-facts")
    dispute = complaint_detail(demo_engine, ref).dispute
    assert (dispute.provider, dispute.method.value, dispute.outcome) == (
        "Retail Dispute Service",
        "advisory",
        "25.00 store credit",
    )
    assert dispute.implemented_by.startswith("V") and dispute.closed_on is not None
