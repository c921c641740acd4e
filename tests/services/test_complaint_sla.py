"""The SLA on the real database: pausing the resolution clock (audited, surviving a change of
severity), the first-response clock that never pauses, the state order, store calendars and
targets by category x severity x tier, and the escalation rules."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from returns_desk.domain.complaint import Status, TransitionError, WaitingOn
from returns_desk.domain.complaint_clock import Level, SlaState
from returns_desk.domain.complaint_sla import Severity
from returns_desk.services.complaints.escalations import run_escalations
from returns_desk.services.complaints.lifecycle import (
    add_note,
    assign,
    pause,
    reassess,
    resume,
    transition,
)
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Sale, Store
from tests.services.test_complaints import MONDAY, log, row_of

CHICAGO = ZoneInfo("America/Chicago")
LA = ZoneInfo("America/Los_Angeles")


def at(day, hour, zone=CHICAGO):
    """A moment in Thanksgiving week 2026 (Thursday the 26th is a holiday)."""
    return datetime(2026, 11, day, hour, tzinfo=zone).astimezone(UTC)


def investigating(engine, actors, **kw):
    ref = log(engine, actors["cleo"], **kw)
    transition(engine, actors["maria"], ref, Status.INVESTIGATING, now=kw.get("now", MONDAY))
    return ref


def test_pause_stops_the_resolution_clock_and_survives_a_new_severity(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors)  # normal: 5 working days, Mon 30th 09:00
    assert row_of(demo_engine, ref).due_at == at(30, 9)
    pause(
        demo_engine, maria, ref, WaitingOn.THIRD_PARTY, "supplier tests the kettle", now=at(24, 9)
    )
    paused = complaint_detail(demo_engine, ref, now=at(24, 12))
    assert paused.row.status is Status.WAITING and paused.row.due_at is None
    assert paused.row.sla is SlaState.PAUSED and not paused.row.overdue
    resume(demo_engine, maria, ref, "supplier report in", now=at(25, 9))
    assert row_of(demo_engine, ref).due_at == at(30, 18)  # Tuesday's 9 open hours added
    reassess(demo_engine, maria, ref, Severity.HIGH, "customer was scalded", now=at(25, 10))
    # high: 2 working days from Monday 09:00 is Wednesday 09:00, plus the 9 paused hours
    assert row_of(demo_engine, ref).due_at == at(25, 18)
    detail = complaint_detail(demo_engine, ref, now=at(25, 10))
    assert [(p.waiting_on, p.ended_at) for p in detail.pauses] == [("third_party", at(25, 9))]
    notes = [h.note for h in detail.history]
    assert "waiting on the third party: supplier tests the kettle" in notes
    assert "severity normal -> high: customer was scalded" in notes
    with read_only(demo_engine) as session:
        done = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert {"complaint.pause", "complaint.resume", "complaint.reassess"} <= set(done)


def test_a_pause_after_the_due_time_never_hides_the_breach(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors, severity=Severity.HIGH)  # due Wed 09:00
    pause(demo_engine, maria, ref, WaitingOn.CUSTOMER, "asked for photos", now=at(27, 10))
    late = complaint_detail(demo_engine, ref, now=at(27, 11))
    assert late.row.sla is SlaState.FAILED and late.row.overdue
    assert late.row.due_at == at(25, 9)
    assert [r.reference for r in list_complaints(demo_engine, overdue=True, now=at(27, 11))] == [
        ref
    ]
    resume(demo_engine, maria, ref, now=at(28, 10))
    assert row_of(demo_engine, ref).due_at == at(25, 9)


def test_the_first_response_clock_is_never_paused(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = log(demo_engine, demo_actors["cleo"], now=MONDAY)  # normal: respond by Tue 16:00
    pause(demo_engine, maria, ref, WaitingOn.THIRD_PARTY, "courier's report", now=at(23, 10))
    assert complaint_detail(demo_engine, ref, now=at(24, 15)).row.sla is SlaState.PAUSED
    assert complaint_detail(demo_engine, ref, now=at(24, 17)).row.sla is SlaState.FAILED
    other = log(demo_engine, demo_actors["cleo"], now=MONDAY)
    pause(demo_engine, maria, other, WaitingOn.CUSTOMER, "asked for the receipt", now=at(23, 10))
    row = row_of(demo_engine, other)
    assert row.first_response_at == at(23, 10)  # asking the customer is a response
    assert complaint_detail(demo_engine, other, now=at(24, 17)).row.sla is SlaState.PAUSED


def test_a_customer_visible_note_is_the_first_response(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"])
    add_note(demo_engine, demo_actors["sam"], ref, "internal: check CCTV", now=at(23, 10))
    assert row_of(demo_engine, ref).first_response_at is None
    assert complaint_detail(demo_engine, ref, now=at(23, 11)).row.sla is (
        SlaState.FIRST_RESPONSE_DUE
    )
    add_note(
        demo_engine,
        demo_actors["maria"],
        ref,
        "Called: we are on it",
        customer_visible=True,
        now=at(23, 12),
    )
    assert row_of(demo_engine, ref).first_response_at == at(23, 12)
    assert complaint_detail(demo_engine, ref, now=at(23, 13)).row.sla is SlaState.RESOLUTION_DUE
    notes = complaint_detail(demo_engine, ref).notes
    assert [(n.who, n.customer_visible) for n in notes] == [
        ("Sam Clerk", False),
        ("Maria Manager", True),
    ]


def test_pausing_needs_a_manager_and_a_reason(demo_engine, demo_actors):
    ref = investigating(demo_engine, demo_actors)
    with pytest.raises(TransitionError, match="only a manager may pause"):
        pause(demo_engine, demo_actors["cleo"], ref, WaitingOn.CUSTOMER, "x")
    with pytest.raises(ValueError, match="why: say why"):
        pause(demo_engine, demo_actors["maria"], ref, WaitingOn.CUSTOMER, "  ")
    with pytest.raises(RoleError):
        reassess(demo_engine, demo_actors["cleo"], ref, Severity.LOW, "x")
    assert row_of(demo_engine, ref).status == Status.INVESTIGATING


def _sale_in(engine, number, tier=None):
    with read_only(engine) as session:
        query = select(Sale).join(Store).where(Store.number == number)
        query = query.where(Sale.loyalty_tier == tier if tier else col(Sale.loyalty_tier).is_(None))
        return session.exec(query).first()


def test_each_store_counts_its_own_business_hours(demo_engine, demo_actors):
    harbor = _sale_in(demo_engine, 102)  # Los Angeles, open 10:00-19:00
    ref = log(
        demo_engine,
        demo_actors["cleo"],
        receipt_code=harbor.receipt_code,
        severity=Severity.HIGH,
        now=at(23, 9, LA),
    )
    row = row_of(demo_engine, ref)
    assert row.first_response_due_at == at(23, 14, LA)  # opens at 10, plus 4 open hours
    assert row.due_at == at(25, 9, LA)
    chicago = log(demo_engine, demo_actors["cleo"], severity=Severity.HIGH, now=at(25, 16))
    assert row_of(demo_engine, chicago).first_response_due_at == at(27, 11)  # holiday Thursday


def test_targets_by_category_severity_and_tier(demo_engine, demo_actors):
    gold = _sale_in(demo_engine, 101, "gold")
    member = log(demo_engine, demo_actors["cleo"], receipt_code=gold.receipt_code)
    plain = log(demo_engine, demo_actors["cleo"])
    about_us = log(demo_engine, demo_actors["cleo"], category="complaint handling")
    critical_gold = log(demo_engine, demo_actors["cleo"], tier="gold", severity=Severity.CRITICAL)
    told = log(demo_engine, demo_actors["cleo"], tier="gold", severity=Severity.LOW)
    assert row_of(demo_engine, member).tier == "gold"
    assert row_of(demo_engine, member).due_at == at(27, 9)  # gold: 3 working days
    assert row_of(demo_engine, member).first_response_due_at == at(23, 13)
    assert row_of(demo_engine, plain).due_at == at(30, 9)  # normal: 5 working days
    assert row_of(demo_engine, about_us).due_at == at(27, 9)
    assert row_of(demo_engine, told).due_at == at(30, 9)  # gold and low: 5 instead of 10
    assert row_of(demo_engine, critical_gold).due_at == at(23, 13)  # 4 hours, gold or not


def test_escalation_warns_the_owner_then_the_managers_then_head_office(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors, severity=Severity.HIGH)  # due Wed 09:00
    assign(demo_engine, maria, ref, "maria")
    assert run_escalations(demo_engine, maria, now=at(24, 9)) == []  # half the target
    warned = run_escalations(demo_engine, maria, now=at(24, 14))
    assert [(r.level, r.notified) for r in warned] == [(Level.OWNER_WARNING, "Maria Manager")]
    assert run_escalations(demo_engine, maria, now=at(24, 15)) == []  # never twice
    late = run_escalations(demo_engine, maria, now=at(25, 10))
    assert [(r.level, r.notified) for r in late] == [(Level.MANAGER, "the managers of store 101")]
    later = run_escalations(demo_engine, maria, now=at(27, 10))
    assert [r.level for r in later] == [Level.SECOND_LEVEL]
    detail = complaint_detail(demo_engine, ref)
    assert [e.level for e in detail.escalations] == ["owner_warning", "manager", "second_level"]
    assert "resolution target missed" in detail.escalations[1].reason
    assert sum("escalated" in h.note for h in detail.history) == 3
    with read_only(demo_engine) as session:
        escalations = session.exec(
            select(AuditEvent).where(AuditEvent.action == "complaint.escalate")
        ).all()
    assert [e.actor for e in escalations] == ["system"] * 3
    with pytest.raises(RoleError):
        run_escalations(demo_engine, demo_actors["cleo"])


def test_a_paused_complaint_is_not_escalated(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    ref = investigating(demo_engine, demo_actors, severity=Severity.HIGH)
    pause(demo_engine, maria, ref, WaitingOn.CUSTOMER, "asked for photos", now=at(23, 12))
    assert run_escalations(demo_engine, maria, now=at(30, 12)) == []
    resume(demo_engine, maria, ref, now=at(30, 9))
    # 3 open hours used before the pause, of 18: the warning comes 10.5 open hours later
    assert run_escalations(demo_engine, maria, now=at(30, 18)) == []
    assert [
        r.level
        for r in run_escalations(demo_engine, maria, now=datetime(2026, 12, 1, 11, tzinfo=CHICAGO))
    ] == [Level.OWNER_WARNING]


def test_the_owner_is_never_the_person_the_complaint_is_about(demo_engine, demo_actors):
    ref = log(demo_engine, demo_actors["cleo"], category="staff", named_staff="maria")
    with pytest.raises(TransitionError, match="Maria Manager is named in this complaint"):
        assign(demo_engine, demo_actors["maria"], ref, "maria")
    with pytest.raises(ValueError, match="owner: Cleo Clerk is not a manager"):
        assign(demo_engine, demo_actors["maria"], ref, "cleo")
