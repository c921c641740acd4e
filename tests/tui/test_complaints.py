"""Complaints and feedback at the desk, driven with Pilot at 80x24."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Button, DataTable, Static

from returns_desk.domain.complaint import Status
from returns_desk.services.complaints.feedback import feedback_for
from returns_desk.services.complaints.lifecycle import NewComplaint, log_complaint, transition
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.complaint_form import ComplaintForm
from returns_desk.tui.dialogs.feedback import FeedbackDialog, FeedbackSaved
from returns_desk.tui.screens.complaint_detail import ComplaintDetailScreen
from returns_desk.tui.screens.complaints import ComplaintListScreen
from tests.tui.driving import drive

SIZE = (80, 24)


async def _settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _open_list(pilot, actor):
    """Skip the PIN dance (tested elsewhere): be ``actor`` and press F8."""
    pilot.app.actor = actor
    await pilot.press("f8")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, ComplaintListScreen)


def _rows(app):
    table = app.screen.query_one("#complaint-rows", DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


def _text(app, selector):
    return str(app.screen.query_one(selector, Static).render())


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
        await pilot.press("enter", "down", "enter")  # category: the first one
        await pilot.press("tab", "tab", "tab", *"Zip broke on first wear")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert not isinstance(app.screen, ComplaintForm)
    [row] = list_complaints(demo_engine)
    assert re.fullmatch(r"CMP-\d{4}-000001", row.reference)
    assert (row.category, row.status) == ("product quality", Status.RECEIVED)
    detail = complaint_detail(demo_engine, row.reference)
    assert detail.description == "Zip broke on first wear"
    assert detail.receipt_code.replace("-", "") == receipt.code
    assert [p.name for p in tmp_path.glob("*.pdf")] == [f"complaint-{row.reference}.pdf"]


async def test_form_explains_what_is_missing_and_keeps_what_was_typed(demo_engine, demo_actors):
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.actor = demo_actors["cleo"]
        app.push_screen(ComplaintForm(receipt_code="1010390000019"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert "category: pick one" in _text(app, "#form-error")
        await pilot.press("enter", "down", "enter", "tab", "tab", "tab", *"Late")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintForm)
        error = _text(app, "#form-error")
        assert "receipt:" in error and "check digit" in error
    assert list_complaints(demo_engine) == []


def _seed(engine, actors):
    cleo = actors["cleo"]
    late = log_complaint(
        engine,
        cleo,
        NewComplaint("refund", "Still waiting for refund", customer_name="Ines"),
        now=datetime.now(UTC) - timedelta(days=30),
    )
    fresh = log_complaint(engine, cleo, NewComplaint("service", "Queue was long"))
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
        await pilot.press("o")
        await _settle(pilot)
        app.screen.query_one("#filter-category").focus()
        await pilot.press("enter", "down", "down", "enter")  # product quality, then refund
        await _settle(pilot)
        assert [str(r[0]) for r in _rows(app)] == [late]
        await pilot.press("n")  # auditors cannot log complaints
        assert isinstance(app.screen, ComplaintListScreen)


async def test_manager_moves_a_complaint_along_and_history_grows(demo_engine, demo_actors):
    late, _ = _seed(demo_engine, demo_actors)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["maria"])
        await pilot.press("down", "enter")  # newest first: the late one is second
        await _settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        assert "OVERDUE" in _text(app, "#detail-facts")
        await pilot.press("a")
        await _settle(pilot)
        await pilot.press("i")
        await _settle(pilot)
        await pilot.press("s", *"refund sent", "enter")
        await _settle(pilot)
        assert "RESOLVED" in _text(app, "#detail-facts")
        history = app.screen.query_one("#detail-history", DataTable)
        assert history.row_count == 4
        assert history.get_row_at(3)[1:] == [
            "investigating->resolved",
            "Maria Manager",
            "refund sent",
        ]
        buttons = [b.name for b in app.screen.query(Button)]
        assert buttons == ["close", "reopen", "escalate"]
    assert complaint_detail(demo_engine, late).row.status is Status.RESOLVED


async def test_clerk_sees_only_the_moves_a_clerk_may_make(demo_engine, demo_actors):
    _, fresh = _seed(demo_engine, demo_actors)
    transition(demo_engine, demo_actors["cleo"], fresh, Status.ACKNOWLEDGED)
    app = DeskApp(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await _open_list(pilot, demo_actors["cleo"])
        await pilot.press("enter")
        await _settle(pilot)
        assert list(app.screen.query(".move")) == []
        await pilot.press("i")
        await _settle(pilot)
        assert "ACKNOWLEDGED" in _text(app, "#detail-facts")
        await pilot.press("escape")
        assert isinstance(app.screen, ComplaintListScreen)


@pytest.mark.parametrize(("key", "answer"), [("4", 4), ("escape", None)])
async def test_feedback_one_key_rating_or_skip(
    demo_engine, demo_actors, demo_return_id, key, answer
):
    app = DeskApp(demo_engine)
    answers = []
    async with drive(app, SIZE) as desk:
        app.actor = demo_actors["cleo"]
        app.push_screen(FeedbackDialog(demo_return_id), answers.append)
        await desk.pilot.pause()
        await desk.press(key)
        if answer is not None:
            await desk.next(FeedbackSaved)
        assert not isinstance(app.screen, FeedbackDialog)
    assert answers == [answer]
    stored = feedback_for(demo_engine, demo_return_id)
    assert (stored.rating if stored else None) == answer


async def test_feedback_with_a_comment(demo_engine, demo_actors, demo_return_id):
    app = DeskApp(demo_engine)
    async with drive(app, SIZE) as desk:
        app.actor = demo_actors["cleo"]
        app.push_screen(FeedbackDialog(demo_return_id))
        await desk.pilot.pause()
        await desk.press("c", *"fast 5 stars", "enter", "5")
        await desk.next(FeedbackSaved)
        assert not isinstance(app.screen, FeedbackDialog)
    stored = feedback_for(demo_engine, demo_return_id)
    assert (stored.rating, stored.comment) == (5, "fast 5 stars")


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
