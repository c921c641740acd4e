"""Improvement on the real database: satisfaction with complaint handling, corrective
actions, customer promises (ISO 10001) and monitoring with its management-review PDF."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.complaint import Answer, Closure, Outcome, Remedy, Status, WaitingOn
from returns_desk.domain.complaint_clock import SlaState
from returns_desk.domain.complaint_sla import Severity
from returns_desk.services.complaints import actions
from returns_desk.services.complaints.decisions import decide, record_answer
from returns_desk.services.complaints.escalations import run_escalations
from returns_desk.services.complaints.lifecycle import close, pause, reopen, transition
from returns_desk.services.complaints.promises import promise_report
from returns_desk.services.complaints.report import complaint_report, write_review
from returns_desk.services.complaints.satisfaction import record_satisfaction
from returns_desk.services.complaints.views import complaint_detail
from returns_desk.services.policies.active import activate_policy, default_policy_path
from returns_desk.services.staff.security import RoleError
from tests.services.test_complaint_sla import at
from tests.services.test_complaints import MONDAY, log

runner = CliRunner()
WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def test_satisfaction_with_handling_is_asked_once_when_closed(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = log(demo_engine, cleo, resolved_at_first_contact="swapped it")
    with pytest.raises(ValueError, match="once it is closed"):
        record_satisfaction(demo_engine, cleo, ref, 4)
    close(demo_engine, maria, ref, Closure.ACCEPTED)
    with pytest.raises(ValueError, match="rating: give 1 to 5, not 6"):
        record_satisfaction(demo_engine, cleo, ref, 6)
    record_satisfaction(demo_engine, cleo, ref, 4, "quick")
    with pytest.raises(ValueError, match="already has the customer's rating"):
        record_satisfaction(demo_engine, maria, ref, 5)
    assert complaint_detail(demo_engine, ref).satisfaction == 4
    about = log(demo_engine, cleo, category="staff", named_staff="maria")
    close(demo_engine, maria, about, Closure.WITHDRAWN)
    with pytest.raises(ValueError, match="the complaint is about you"):
        record_satisfaction(demo_engine, maria, about, 5)


def test_corrective_actions_answer_many_complaints(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    refs = [log(demo_engine, cleo, category="pricing") for _ in range(3)]
    with pytest.raises(RoleError):
        actions.open_action(
            demo_engine, cleo, root_cause="x", action="y", owner="maria", due_on=date(2030, 1, 1)
        )
    with pytest.raises(ValueError, match="due: 2020-01-01 has passed"):
        actions.open_action(
            demo_engine, maria, root_cause="x", action="y", owner="maria", due_on=date(2020, 1, 1)
        )
    ref = actions.open_action(
        demo_engine,
        maria,
        root_cause="Shelf labels not updated after price changes",
        action="Print labels from the price file each Monday",
        owner="sam",
        due_on=date(2030, 1, 31),
        complaints=tuple(refs[:2]),
    )
    assert ref == "CA-2026-0001"
    assert actions.link(demo_engine, maria, ref, (refs[2], refs[0])) == 3
    with pytest.raises(ValueError, match="not done yet"):
        actions.check(demo_engine, maria, ref, True, "no pricing complaints")
    actions.mark_done(demo_engine, maria, ref, "weekly label run since Dec 1")
    actions.check(demo_engine, maria, ref, True, "no pricing complaints in 4 weeks")
    [view] = actions.list_actions(demo_engine, demo_actors["avi"])
    assert (view.state, view.owner, view.complaints) == (
        "effective",
        "Sam Clerk",
        tuple(sorted(refs)),
    )
    with pytest.raises(ValueError, match="already checked"):
        actions.check(demo_engine, maria, ref, False, "again")


def test_promises_come_from_the_policy_and_are_counted(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    activate_policy(demo_engine, default_policy_path(), maria)
    on_time = log(demo_engine, cleo, now=at(23, 9))
    transition(demo_engine, maria, on_time, Status.INVESTIGATING, now=at(23, 10))
    decide(demo_engine, maria, on_time, Outcome.UPHELD, "Sorry.", Remedy.APOLOGY, now=at(24, 9))
    late = log(demo_engine, cleo, now=at(23, 9), severity=Severity.HIGH)
    emailed = log(demo_engine, cleo, now=at(23, 9), channel="email", severity=Severity.LOW)
    results = {r.promise.id: r for r in promise_report(demo_engine, maria, *WEEK, now=at(27, 12))}
    window = results["returns.window"].promise.text
    assert window == (
        "Returns with a receipt are accepted within 30 days of purchase; gold members 45 days."
    )
    assert results["complaints.normal"].promise.text == (
        "A normal complaint gets a first answer within 16 business hours and our decision "
        "within 5 working days."
    )
    assert (results["complaints.normal"].cases, results["complaints.normal"].kept) == (1, 1)
    assert (results["complaints.high"].kept, results["complaints.high"].cases) == (0, 1)
    assert results["complaints.high"].met is False
    assert (results["complaints.acknowledge"].kept, results["complaints.acknowledge"].cases) == (
        2,
        3,
    )
    assert results["complaints.low"].cases == 0 and results["complaints.low"].met is None
    assert emailed and late
    with pytest.raises(RoleError):
        promise_report(demo_engine, cleo, *WEEK)


def _a_week_of_complaints(engine, actors):
    cleo, maria = actors["cleo"], actors["maria"]
    fast = log(engine, cleo, now=at(23, 9), sku="hm-kettle")
    transition(engine, maria, fast, Status.INVESTIGATING, now=at(23, 10))
    pause(engine, maria, fast, WaitingOn.CUSTOMER, "photos", now=at(23, 11))
    transition(engine, maria, fast, Status.INVESTIGATING, now=at(24, 11))
    decide(engine, maria, fast, Outcome.UPHELD, "Sorry.", Remedy.APOLOGY, now=at(24, 12))
    record_answer(engine, cleo, fast, Answer.ACCEPTED, now=at(24, 13))
    reopen(engine, maria, fast, "leaks again", now=at(25, 9))
    slow = log(
        engine, cleo, now=at(23, 10), severity=Severity.HIGH, category="refund", sku="hm-kettle"
    )
    run_escalations(engine, maria, now=at(25, 12))
    first = log(
        engine,
        cleo,
        now=at(24, 9),
        category="refund",
        resolved_at_first_contact="refunded on the spot",
    )
    close(engine, maria, first, Closure.ACCEPTED, now=at(24, 9))
    record_satisfaction(engine, cleo, first, 5)
    return fast, slow, first


def test_monitoring_figures_for_a_week(demo_engine, demo_actors):
    _a_week_of_complaints(demo_engine, demo_actors)
    report = complaint_report(demo_engine, demo_actors["maria"], *WEEK, now=at(27, 12))
    assert report.total == 3
    assert report.by_category == (("refund", 2), ("product quality", 1))
    assert report.by_sku == (("HM-KETTLE", 2),)
    assert report.by_clerk == (("Cleo Clerk", 3),)
    assert report.by_store[0][0].startswith("101")
    assert str(report.acknowledged_at_once) == "3 of 3 (100.0%)"
    assert str(report.breached) == "1 of 3 (33.3%)"  # the high one, never decided
    assert str(report.paused) == "1 of 3 (33.3%)"
    assert str(report.first_contact) == "1 of 3 (33.3%)"
    assert str(report.reopened) == "1 of 3 (33.3%)"
    assert str(report.escalated) == "1 of 3 (33.3%)"
    assert report.resolution_in_time.of == 2  # the reopened one runs a new clock
    assert report.satisfaction == (0, 0, 0, 0, 1) and report.satisfaction_mean == 5
    assert [(b.cause, str(b.cumulative)) for b in report.pareto] == [
        ("refund", "66.7"),
        ("product quality", "100.0"),
    ]
    assert [(w.starts, w.logged, w.breached) for w in report.trend] == [(date(2026, 11, 23), 3, 1)]
    assert complaint_report(demo_engine, demo_actors["maria"], *WEEK, store=102).total == 0
    with pytest.raises(RoleError):
        complaint_report(demo_engine, demo_actors["cleo"], *WEEK)
    with pytest.raises(ValueError, match="ends .* before it starts"):
        complaint_report(demo_engine, demo_actors["maria"], WEEK[1], WEEK[0])


def test_the_management_review_pdf(demo_engine, demo_actors, tmp_path):
    _a_week_of_complaints(demo_engine, demo_actors)
    maria = demo_actors["maria"]
    actions.open_action(
        demo_engine,
        maria,
        root_cause="Kettle batch 7 leaks",
        action="Pull batch 7",
        owner="maria",
        due_on=date(2030, 1, 1),
    )
    out = write_review(demo_engine, maria, *WEEK, tmp_path / "review.pdf", now=at(27, 12))
    text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(out.read_bytes())).pages
    ).replace("\n", " ")
    for words in (
        "Complaints management review",
        "2026-11-23 to 2026-11-29",
        "Pareto of causes",
        "cumulative %",
        "Trend by week",
        "Target missed",
        "1 of 3 (33.3%)",
        "Promises kept",
        "A high complaint gets a first answer",
        "Corrective actions",
        "Kettle batch 7 leaks",
        "HM-KETTLE",
    ):
        assert words in text, words
    assert not list(tmp_path.glob("*.partial"))


def test_report_and_promises_from_the_command_line(demo_engine, demo_actors, tmp_path):
    _a_week_of_complaints(demo_engine, demo_actors)
    pdf = tmp_path / "week.pdf"
    args = ["complaints", "report", "--from", "2026-11-23", "--to", "2026-11-29", "--pdf", str(pdf)]
    result = runner.invoke(app, [*args, "--user", "avi"], input="7777\n", env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Complaints 2026-11-23 to 2026-11-29, all stores" in result.output
    assert "Complaints logged: 3" in result.output and "refund 2 (66.7%)" in result.output
    assert pdf.read_bytes().startswith(b"%PDF") and f"written to {pdf}" in result.output
    clerk = runner.invoke(app, ["complaints", "report", "--user", "cleo"], input="1111\n")
    assert clerk.exit_code == 1 and "this needs a manager or auditor" in clerk.output
    bad = runner.invoke(
        app, ["complaints", "report", "--from", "23/11", "--user", "avi"], input="7777\n"
    )
    assert bad.exit_code == 1 and "--from '23/11': expected a day from 2000 to 2100" in bad.output
    kept = runner.invoke(
        app,
        ["complaints", "promises", "--from", "2026-11-23", "--to", "2026-11-29", "--user", "maria"],
        input="9999\n",
    )
    assert kept.exit_code == 0, kept.output
    assert "Returns with a receipt are accepted within 30 days" in kept.output
    assert "0 of 1 kept (target 95%): MISSED" in kept.output


def test_actions_and_escalations_from_the_command_line(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"], now=MONDAY - timedelta(days=40))
    add = [
        "complaints",
        "actions",
        "add",
        "--cause",
        "No stock of spare lids",
        "--action",
        "Order 50 lids",
        "--owner",
        "maria",
        "--due",
        "2030-01-31",
        "--complaint",
        ref,
        "--user",
        "maria",
    ]
    result = runner.invoke(app, add, input="9999\n")
    assert result.exit_code == 0 and "corrective action CA-2026-0001 logged" in result.output
    listed = runner.invoke(
        app,
        ["complaints", "actions", "list", "--user", "avi"],
        input="7777\n",
        env={"COLUMNS": "200"},
    )
    assert "CA-2026-0001  open  due 2030-01-31  owner Maria Manager" in listed.output
    assert ref in listed.output
    escalated = runner.invoke(
        app, ["complaints", "escalate", "--user", "maria"], input="9999\n", env={"COLUMNS": "200"}
    )
    assert escalated.exit_code == 0 and "3 new escalations" in escalated.output
    again = runner.invoke(app, ["complaints", "escalate", "--user", "maria"], input="9999\n")
    assert "0 new escalations" in again.output
    assert complaint_detail(demo_engine, ref).row.sla is SlaState.FAILED
