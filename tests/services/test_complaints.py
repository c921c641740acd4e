"""Complaints on the real database: log, move along with history, escalate, roles, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from returns_desk.domain.complaint import Status, TransitionError
from returns_desk.domain.complaint_sla import Severity
from returns_desk.services import audit
from returns_desk.services.complaints.lifecycle import (
    ComplaintError,
    ComplaintNotFound,
    NewComplaint,
    close_dispute,
    escalate,
    log_complaint,
    transition,
)
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Sale

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 09:00 in Chicago


def _log(engine, actor, now=MONDAY, **kw):
    fields = {"category": "product quality", "description": "Kettle leaks after a week"}
    return log_complaint(engine, actor, NewComplaint(**{**fields, **kw}), now=now)


def _actions(engine):
    with read_only(engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]


def test_logging_gives_a_reference_a_due_date_and_an_audit_event(demo_engine, demo_actors):
    with read_only(demo_engine) as session:
        sale = session.exec(select(Sale).order_by(Sale.id)).first()
    ref = _log(
        demo_engine,
        demo_actors["cleo"],
        severity=Severity.HIGH,
        receipt_code=sale.receipt_code,
        customer_name="Ada",
        contact="ada@example.org",
    )
    assert ref == "CMP-2026-000001"
    assert _log(demo_engine, demo_actors["sam"]) == "CMP-2026-000002"
    detail = complaint_detail(demo_engine, ref.lower(), role="clerk")
    assert detail.row.status is Status.RECEIVED
    assert detail.row.due_at == MONDAY + timedelta(days=2)  # high: 2 business days
    assert detail.receipt_code and detail.receipt_code.replace("-", "") == sale.receipt_code
    assert detail.clerk == "Cleo Clerk"
    assert [h.to_status for h in detail.history] == [Status.RECEIVED]
    assert [m.verb for m in detail.moves] == ["acknowledge"]
    assert _actions(demo_engine).count("complaint.log") == 2
    with read_only(demo_engine) as session:
        assert audit.verify(session).intact


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"description": "  "}, "description: say what"),
        ({"category": "weather"}, "category: 'weather' is not one of product quality"),
        ({"channel": "pigeon"}, "channel: 'pigeon' is not one of counter"),
        ({"receipt_code": "1010390000019"}, "receipt: .*check digit"),
        ({"receipt_code": "9990190000014"}, "receipt: 999-01-9000001-4 is not in the sales"),
        ({"return_id": 999999}, "return: no completed return has id 999999"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_logged(demo_engine, demo_actors, kw, message):
    with pytest.raises(ComplaintError, match=message):
        _log(demo_engine, demo_actors["cleo"], **kw)
    assert list_complaints(demo_engine) == []


def test_full_lifecycle_keeps_who_when_and_why(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = _log(demo_engine, cleo)
    transition(demo_engine, cleo, ref, Status.ACKNOWLEDGED, note="told customer 5 days")
    transition(demo_engine, maria, ref, Status.INVESTIGATING)
    transition(demo_engine, maria, ref, Status.RESOLVED, note="replaced the kettle")
    transition(demo_engine, maria, ref, Status.CLOSED)
    detail = complaint_detail(demo_engine, ref, role="manager")
    steps = [(h.from_status, h.to_status, h.who) for h in detail.history]
    assert steps[1:] == [
        (Status.RECEIVED, Status.ACKNOWLEDGED, "Cleo Clerk"),
        (Status.ACKNOWLEDGED, Status.INVESTIGATING, "Maria Manager"),
        (Status.INVESTIGATING, Status.RESOLVED, "Maria Manager"),
        (Status.RESOLVED, Status.CLOSED, "Maria Manager"),
    ]
    assert detail.history[3].note == "replaced the kettle"
    assert detail.moves == ()
    assert "complaint.resolve" in _actions(demo_engine)


def test_illegal_move_is_refused_and_changes_nothing(demo_engine, demo_actors):
    ref = _log(demo_engine, demo_actors["cleo"])
    with pytest.raises(TransitionError, match="cannot go from received to resolved"):
        transition(demo_engine, demo_actors["maria"], ref, Status.RESOLVED, note="x")
    detail = complaint_detail(demo_engine, ref)
    assert detail.row.status is Status.RECEIVED and len(detail.history) == 1


def test_roles_are_enforced_in_the_service(demo_engine, demo_actors):
    with pytest.raises(RoleError, match="auditor; this needs a clerk or manager"):
        _log(demo_engine, demo_actors["avi"])
    ref = _log(demo_engine, demo_actors["cleo"])
    with pytest.raises(RoleError, match="auditor"):
        transition(demo_engine, demo_actors["avi"], ref, Status.ACKNOWLEDGED)
    transition(demo_engine, demo_actors["cleo"], ref, Status.ACKNOWLEDGED)
    with pytest.raises(RoleError, match="clerk; this needs a manager"):
        transition(demo_engine, demo_actors["cleo"], ref, Status.INVESTIGATING)
    assert complaint_detail(demo_engine, ref, role="auditor").moves == ()


def test_dispute_records_body_and_outcome(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = _log(demo_engine, cleo)
    transition(demo_engine, cleo, ref, Status.ACKNOWLEDGED)
    with pytest.raises(TransitionError, match="give the external body"):
        escalate(demo_engine, maria, ref, body=" ")
    escalate(demo_engine, maria, ref, body="Retail Ombudsman", note="customer refused offer")
    close_dispute(demo_engine, maria, ref, outcome="upheld: full refund")
    detail = complaint_detail(demo_engine, ref)
    assert detail.row.status is Status.CLOSED
    assert (detail.dispute_body, detail.dispute_outcome) == (
        "Retail Ombudsman",
        "upheld: full refund",
    )
    assert detail.history[2].note == "customer refused offer; external body: Retail Ombudsman"


def test_unknown_reference_is_named(demo_engine, demo_actors):
    with pytest.raises(ComplaintNotFound, match="no complaint CMP-2026-000077"):
        complaint_detail(demo_engine, "cmp-2026-000077")
    with pytest.raises(ComplaintNotFound, match="not a complaint reference"):
        transition(demo_engine, demo_actors["maria"], "77", Status.CLOSED)


def test_list_filters_by_status_category_and_overdue(demo_engine, demo_actors):
    cleo = demo_actors["cleo"]
    old = _log(demo_engine, cleo, now=MONDAY - timedelta(days=30), category="refund")
    late_but_done = _log(demo_engine, cleo, now=MONDAY - timedelta(days=30))
    fresh = _log(demo_engine, cleo, now=MONDAY)
    transition(demo_engine, cleo, late_but_done, Status.ACKNOWLEDGED)
    maria = demo_actors["maria"]
    transition(demo_engine, maria, late_but_done, Status.INVESTIGATING)
    transition(demo_engine, maria, late_but_done, Status.RESOLVED, note="done")

    def refs(**kw):
        return [r.reference for r in list_complaints(demo_engine, now=MONDAY, **kw)]

    assert refs() == [fresh, late_but_done, old]
    assert refs(overdue=True) == [old]
    assert refs(status=Status.RESOLVED) == [late_but_done]
    assert refs(category="refund") == [old]
    rows = {r.reference: r for r in list_complaints(demo_engine, now=MONDAY)}
    assert rows[old].overdue and not rows[fresh].overdue and not rows[late_but_done].overdue
