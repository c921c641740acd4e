"""Complaint monitoring for a period: the facts of every complaint logged in it, counted by
``domain.complaint_report``; and the management-review PDF.

Managers and auditors read it (it names clerks); the period is the stores' local days, both
ends included; ``store`` narrows it to one store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.complaint import Status
from returns_desk.domain.complaint_calendar import Calendar
from returns_desk.domain.complaint_clock import sla_state
from returns_desk.domain.complaint_report import ComplaintFacts, ComplaintReport, build_report
from returns_desk.domain.complaint_sla import SlaConfig
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.complaints.actions import list_actions
from returns_desk.services.complaints.common import clock_facts, clock_start, display_name
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.complaints.promises import promise_report
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    Complaint,
    ComplaintDispute,
    ComplaintEscalation,
    ComplaintPause,
    ComplaintSatisfaction,
    Store,
)
from returns_desk.store.tables._base import utcnow

READERS = (Role.MANAGER, Role.AUDITOR)


def complaint_report(
    engine: Engine,
    actor: Actor,
    first: date,
    last: date,
    *,
    store: int | None = None,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> ComplaintReport:
    """The monitoring figures for complaints logged from ``first`` to ``last``."""
    require(actor, *READERS)
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    config, now = config or sla_config(), now or utcnow()
    with read_only(engine) as session:
        stores = {s.id: s for s in session.exec(select(Store))}
        wanted = [s for s in stores.values() if s.number == store] if store is not None else None
        if wanted == []:
            raise ValueError(f"store {store} is not in this database")
        facts = [
            _facts(session, row, stores.get(row.store_id), config, now)
            for row in _logged(session, first, last, config, wanted[0].id if wanted else None)
        ]
    facts = [f for f in facts if first <= f.local_day <= last]
    return build_report(facts, first, last, now, str(store) if store is not None else None)


def _logged(
    session: Session, first: date, last: date, config: SlaConfig, store_id: int | None
) -> Sequence[Complaint]:
    # A day either side in UTC: each complaint's own store calendar decides its day.
    start = datetime.combine(first - timedelta(days=1), time(0), tzinfo=config.zone)
    end = datetime.combine(last + timedelta(days=2), time(0), tzinfo=config.zone)
    query = select(Complaint).where(
        col(Complaint.created_at) >= start, col(Complaint.created_at) < end
    )
    if store_id is not None:
        query = query.where(Complaint.store_id == store_id)
    return session.exec(query.order_by(col(Complaint.id))).all()


def _facts(
    session: Session, row: Complaint, store: Store | None, config: SlaConfig, now: datetime
) -> ComplaintFacts:
    calendar = config.calendar_for(store.number if store else None)
    pauses = session.exec(select(ComplaintPause).where(ComplaintPause.complaint_id == row.id)).all()
    rating = session.exec(
        select(ComplaintSatisfaction.rating).where(ComplaintSatisfaction.complaint_id == row.id)
    ).first()
    return ComplaintFacts(
        reference=row.reference,
        category=row.category,
        store=f"{store.number} {store.name}" if store else "-",
        clerk=display_name(session, row.received_by_id or row.clerk_id),
        sku=row.sku,
        created_at=row.created_at,
        local_day=row.created_at.astimezone(calendar.zone).date(),
        acknowledged_at=row.acknowledged_at,
        first_response_due_at=row.first_response_due_at,
        first_response_at=row.first_response_at,
        due_at=row.due_at,
        decided_at=row.decided_at,
        state=sla_state(clock_facts(row), now),
        paused=bool(pauses),
        escalated=_exists(session, ComplaintEscalation, row),
        referred=_exists(session, ComplaintDispute, row),
        reopen_count=row.reopen_count,
        first_contact=row.first_contact_resolution,
        closed=row.status == Status.CLOSED.value,
        first_response_hours=_hours(calendar, row.created_at, row.first_response_at, ()),
        resolution_hours=_hours(calendar, clock_start(row), row.decided_at, pauses),
        satisfaction=rating,
    )


def _exists(
    session: Session, table: type[ComplaintEscalation] | type[ComplaintDispute], row: Complaint
) -> bool:
    return session.exec(select(table.id).where(table.complaint_id == row.id)).first() is not None


def _hours(
    calendar: Calendar,
    start: datetime,
    end: datetime | None,
    pauses: Sequence[ComplaintPause],
) -> float | None:
    """Open business hours from ``start`` to ``end``, paused time left out."""
    if end is None:
        return None
    seconds = calendar.seconds_between(start, end)
    for p in pauses:
        if p.started_at >= start:
            seconds -= calendar.seconds_between(p.started_at, min(p.ended_at or end, end))
    return round(max(seconds, 0.0) / 3600, 1)


def write_review(
    engine: Engine,
    actor: Actor,
    first: date,
    last: date,
    out: Path,
    *,
    store: int | None = None,
    now: datetime | None = None,
) -> Path:
    """The management-review PDF for the period (figures, Pareto, trend, promises, actions);
    written under a temporary name, then audited with its size."""
    from returns_desk.printing.complaint_review import review_pdf

    report = complaint_report(engine, actor, first, last, store=store, now=now)
    promises = promise_report(engine, actor, first, last, now=now)
    actions = [
        (a.reference, a.root_cause, a.owner, a.due_on.isoformat(), a.state, str(len(a.complaints)))
        for a in list_actions(engine, actor)
    ]
    pdf = review_pdf(report, promises, actions, generated=(now or utcnow()))
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(pdf)
    partial.replace(out)
    with unit_of_work(engine) as session:
        audit.append(
            session,
            actor=actor.username,
            action="complaint.review_report",
            entity="complaint",
            entity_id=f"{first}..{last}",
            details={
                "file": out.name,
                "bytes": len(pdf),
                "store": store,
                "complaints": report.total,
            },
            register=actor.register,
        )
    return out
