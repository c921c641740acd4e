"""Complaints on the real database: intake (remedy sought, channel, receiver), the moves
with their history and audit, roles, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from returns_desk.domain.complaint import Closure, Status, TransitionError
from returns_desk.domain.complaint_clock import SlaState
from returns_desk.domain.complaint_sla import Severity
from returns_desk.services import audit
from returns_desk.services.complaints.lifecycle import (
    ComplaintError,
    ComplaintNotFound,
    NewComplaint,
    close,
    log_complaint,
    transition,
)
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Complaint, Sale, Store

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 09:00 in Chicago, when store 101 opens


def log(engine, actor, now=MONDAY, **kw):
    fields = {
        "category": "product quality",
        "description": "Kettle leaks after a week",
        "remedy_sought": "refund",
    }
    return log_complaint(engine, actor, NewComplaint(**{**fields, **kw}), now=now)


def actions(engine):
    with read_only(engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]


def row_of(engine, reference):
    with read_only(engine) as session:
        return session.exec(select(Complaint).where(Complaint.reference == reference)).one()


def test_logging_at_the_counter_acknowledges_at_once_with_targets(demo_engine, demo_actors):
    with read_only(demo_engine) as session:
        store = session.exec(select(Store).where(Store.number == 101)).one()
        sale = session.exec(select(Sale).where(Sale.store_id == store.id)).first()
    ref = log(
        demo_engine,
        demo_actors["cleo"],
        severity=Severity.HIGH,
        receipt_code=sale.receipt_code,
        customer_name="Ada",
        contact="ada@example.org",
        contact_preference="email",
    )
    assert ref == "CMP-2026-000001"
    assert log(demo_engine, demo_actors["sam"], channel="email") == "CMP-2026-000002"
    detail = complaint_detail(demo_engine, ref.lower(), role="clerk")
    assert detail.row.status is Status.ACKNOWLEDGED  # the slip is the acknowledgement
    assert detail.remedy_sought == "refund" and detail.received_by == "Cleo Clerk"
    assert [h.to_status for h in detail.history] == [Status.RECEIVED, Status.ACKNOWLEDGED]
    row = row_of(demo_engine, ref)
    assert row.acknowledged_at == row.created_at == MONDAY  # acknowledgement time 0
    assert row.store_id == sale.store_id
    # store 101 (Chicago, open 09:00-18:00): high is 2 working days, 4 open hours first
    assert detail.row.due_at == MONDAY + timedelta(days=2)
    assert row.first_response_due_at == MONDAY + timedelta(hours=4)
    emailed = complaint_detail(demo_engine, "CMP-2026-000002", now=MONDAY)
    assert emailed.row.status is Status.RECEIVED and emailed.channel == "email"
    assert emailed.row.sla is SlaState.FIRST_RESPONSE_DUE
    assert actions(demo_engine).count("complaint.log") == 2
    with read_only(demo_engine) as session:
        assert audit.verify(session).intact


def test_a_phone_call_taken_by_one_clerk_and_logged_by_another(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"], channel="phone", received_by="sam")
    detail = complaint_detail(demo_engine, ref)
    assert (detail.channel, detail.received_by, detail.clerk) == (
        "phone",
        "Sam Clerk",
        "Cleo Clerk",
    )
    with pytest.raises(ComplaintError, match="received by: no active user called 'bob'"):
        log(demo_engine, demo_actors["cleo"], received_by="bob")


def test_categories_include_complaint_handling_and_staff(demo_engine, demo_actors):
    about_us = log(demo_engine, demo_actors["cleo"], category="complaint handling")
    about_sam = log(demo_engine, demo_actors["cleo"], category="staff", named_staff="sam")
    assert complaint_detail(demo_engine, about_us).row.category == "complaint handling"
    assert complaint_detail(demo_engine, about_sam).named_staff == "Sam Clerk"


def test_resolved_at_first_contact_is_recorded_as_such(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"], resolved_at_first_contact="swapped the kettle")
    row = row_of(demo_engine, ref)
    assert row.status == Status.RESOLVED and row.first_contact_resolution
    assert row.first_response_at == row.decided_at == row.resolved_at == MONDAY
    detail = complaint_detail(demo_engine, ref)
    assert detail.row.sla is SlaState.FULFILLED
    assert detail.history[-1].note == "resolved at first contact: swapped the kettle"
    close(demo_engine, demo_actors["maria"], ref, Closure.ACCEPTED, now=MONDAY)
    assert row_of(demo_engine, ref).closure_reason == "accepted"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"description": "  "}, "description: say what"),
        ({"remedy_sought": " "}, "remedy sought: ask what the customer wants"),
        ({"category": "weather"}, "category: 'weather' is not one of product quality"),
        ({"channel": "pigeon"}, "channel: 'pigeon' is not one of counter"),
        ({"contact_preference": "fax"}, "contact preference: choose phone, email"),
        ({"tier": "platinum"}, "tier: 'platinum' is not one of silver, gold"),
        ({"named_staff": "nobody"}, "staff named: no active user"),
        ({"receipt_code": "1010390000019"}, "receipt: .*check digit"),
        ({"receipt_code": "9990190000014"}, "receipt: 999-01-9000001-4 is not in the sales"),
        ({"return_id": 999999}, "return: no completed return has id 999999"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_logged(demo_engine, demo_actors, kw, message):
    with pytest.raises(ComplaintError, match=message):
        log(demo_engine, demo_actors["cleo"], **kw)
    assert list_complaints(demo_engine) == []


def test_moves_keep_who_when_and_why(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    ref = log(demo_engine, cleo, channel="letter")
    transition(demo_engine, cleo, ref, Status.ACKNOWLEDGED, note="wrote back", now=MONDAY)
    transition(demo_engine, maria, ref, Status.INVESTIGATING, now=MONDAY)
    detail = complaint_detail(demo_engine, ref, role="manager")
    steps = [(h.from_status, h.to_status, h.who, h.note) for h in detail.history]
    assert steps[1:] == [
        (Status.RECEIVED, Status.ACKNOWLEDGED, "Cleo Clerk", "wrote back"),
        (Status.ACKNOWLEDGED, Status.INVESTIGATING, "Maria Manager", ""),
    ]
    assert row_of(demo_engine, ref).acknowledged_at == MONDAY
    assert [m.verb for m in detail.moves] == ["pause", "decide", "refer", "close"]
    assert "complaint.investigate" in actions(demo_engine)


def test_illegal_move_is_refused_and_changes_nothing(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"])
    with pytest.raises(TransitionError, match="cannot go from acknowledged to resolved"):
        transition(demo_engine, demo_actors["maria"], ref, Status.RESOLVED, note="x")
    with pytest.raises(TransitionError, match="use the decide step"):
        transition(demo_engine, demo_actors["maria"], ref, Status.INVESTIGATING)
        transition(demo_engine, demo_actors["maria"], ref, Status.DECIDED)
    detail = complaint_detail(demo_engine, ref)
    assert detail.row.status is Status.INVESTIGATING and len(detail.history) == 3


def test_roles_are_enforced_in_the_service(demo_engine, demo_actors):
    with pytest.raises(RoleError, match="auditor; this needs a clerk or manager"):
        log(demo_engine, demo_actors["avi"])
    ref = log(demo_engine, demo_actors["cleo"], channel="email")
    with pytest.raises(RoleError, match="auditor"):
        transition(demo_engine, demo_actors["avi"], ref, Status.ACKNOWLEDGED)
    transition(demo_engine, demo_actors["cleo"], ref, Status.ACKNOWLEDGED)
    with pytest.raises(TransitionError, match="only a manager may investigate"):
        transition(demo_engine, demo_actors["cleo"], ref, Status.INVESTIGATING)
    assert complaint_detail(demo_engine, ref, role="auditor").moves == ()


def test_unknown_reference_is_named(demo_engine, demo_actors):
    with pytest.raises(ComplaintNotFound, match="no complaint CMP-2026-000077"):
        complaint_detail(demo_engine, "cmp-2026-000077")
    with pytest.raises(ComplaintNotFound, match="not a complaint reference"):
        transition(demo_engine, demo_actors["maria"], "77", Status.CLOSED)


def test_list_filters_by_status_category_and_overdue(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    old = log(demo_engine, cleo, now=MONDAY - timedelta(days=30), category="refund")
    withdrawn = log(demo_engine, cleo, now=MONDAY - timedelta(days=30))
    fresh = log(demo_engine, cleo, now=MONDAY)
    close(demo_engine, maria, withdrawn, Closure.WITHDRAWN, "customer found the receipt")

    def refs(**kw):
        return [r.reference for r in list_complaints(demo_engine, now=MONDAY, **kw)]

    assert refs() == [fresh, withdrawn, old]
    assert refs(overdue=True) == [old]
    assert refs(status=Status.CLOSED) == [withdrawn]
    assert refs(category="refund") == [old]
    rows = {r.reference: r for r in list_complaints(demo_engine, now=MONDAY)}
    assert rows[old].overdue and not rows[fresh].overdue and not rows[withdrawn].overdue
    assert rows[old].sla is SlaState.FAILED and rows[withdrawn].sla is SlaState.FAILED
