"""What every complaint use case shares: finding and locking a complaint, its history row,
its audit event, its clock (worked out again from the targets and the pauses), and the
people and stores it names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from returns_desk.domain.complaint import Involved, Status, parse_reference
from returns_desk.domain.complaint_calendar import Calendar
from returns_desk.domain.complaint_clock import (
    ClockFacts,
    Pause,
    nominal_due,
    resolution_due,
)
from returns_desk.domain.complaint_sla import Severity, SlaConfig, Targets
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    ComplaintEvent,
    ComplaintPause,
    ReturnTxn,
    Store,
    User,
)


class ComplaintError(ValueError):
    """A complaint that cannot be logged or changed as asked; the message names the field."""


class ComplaintNotFound(LookupError):
    """No complaint has that reference (or the reader may not see it)."""


def by_reference(reference: str, *, lock: bool = False) -> SelectOfScalar[Complaint]:
    """The query for one complaint by its reference as typed (any case, spaces around)."""
    try:
        ref = parse_reference(reference)
    except ValueError as exc:
        raise ComplaintNotFound(str(exc)) from None
    query = select(Complaint).where(Complaint.reference == ref)
    return query.with_for_update() if lock else query


def locked(session: Session, reference: str) -> Complaint:
    """The complaint, locked for this unit of work so two desks cannot change it at once."""
    row = session.exec(by_reference(reference, lock=True)).first()
    if row is None:
        raise ComplaintNotFound(f"no complaint {reference.strip().upper()}")
    return row


def history(
    session: Session, row: Complaint, source: Status | None, actor: Actor, at: datetime, note: str
) -> None:
    """One step of the complaint's history: who, when, from where to where, why."""
    session.add(
        ComplaintEvent(
            complaint_id=row.id or 0,
            from_status=source.value if source else None,
            to_status=row.status,
            actor_id=actor.user_id,
            at=at,
            note=note,
        )
    )


def audit_event(
    session: Session, actor: Actor, action: str, row: Complaint, details: dict[str, Any]
) -> None:
    audit.append(
        session,
        actor=actor.username,
        action=action,
        entity="complaint",
        entity_id=row.reference,
        details=details,
        register=actor.register,
    )


def store_number(session: Session, store_id: int | None) -> int | None:
    store = session.get(Store, store_id) if store_id else None
    return store.number if store else None


def calendar_of(session: Session, row: Complaint, config: SlaConfig) -> Calendar:
    """The business-hours calendar of the complaint's store."""
    return config.calendar_for(store_number(session, row.store_id))


def targets_of(row: Complaint, config: SlaConfig) -> Targets:
    return config.targets_for(row.category, Severity(row.severity), row.tier)


def pauses_of(session: Session, row: Complaint) -> list[ComplaintPause]:
    query = (
        select(ComplaintPause)
        .where(ComplaintPause.complaint_id == row.id)
        .order_by(col(ComplaintPause.started_at))
    )
    return list(session.exec(query))


def clock_start(row: Complaint) -> datetime:
    """When the resolution clock started: logging, or the last reopening."""
    return row.clock_started_at or row.created_at


def refresh_clock(session: Session, row: Complaint, config: SlaConfig) -> None:
    """Work the due times out again from the start, the current targets and every pause,
    so paused time survives a change of severity, category or tier."""
    calendar, targets = calendar_of(session, row, config), targets_of(row, config)
    start = clock_start(row)
    pauses = [
        Pause(p.started_at, p.ended_at) for p in pauses_of(session, row) if p.started_at >= start
    ]
    row.first_response_due_at = nominal_due(row.created_at, targets.first_response, calendar)
    row.due_at = resolution_due(start, targets.resolution, calendar, pauses)


def clock_facts(row: Complaint) -> ClockFacts:
    """The SLA facts of a complaint row, for :func:`complaint_clock.sla_state`."""
    first_due = row.first_response_due_at or row.due_at or row.created_at
    stopped = row.decided_at or row.closed_at
    return ClockFacts(
        first_response_due=first_due,
        first_response_at=row.first_response_at,
        resolution_due=row.due_at,
        resolved_at=stopped,
        paused=row.status == Status.WAITING.value,
    )


def mark_first_response(row: Complaint, at: datetime) -> None:
    """The store spoke to the customer beyond the acknowledgement (first time only)."""
    if row.first_response_at is None:
        row.first_response_at = at


def user_named(session: Session, username: str, field: str) -> User:
    """An active user by name, or a refusal naming the field."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active:
        raise ComplaintError(f"{field}: no active user called {username.strip()!r}")
    return user


def display_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user else (f"user {user_id}" if user_id else "")


def involved(session: Session, row: Complaint) -> Involved:
    """Who the complaint is about and who decided it before: for the objectivity guard."""
    txn = session.get(ReturnTxn, row.return_id) if row.return_id else None
    deciders = session.exec(
        select(ComplaintDecision.decided_by).where(ComplaintDecision.complaint_id == row.id)
    )
    return Involved(
        named_staff=row.named_staff_id,
        override_manager=txn.manager_id if txn else None,
        earlier_deciders=tuple(deciders),
    )


def latest_decision(session: Session, row: Complaint) -> ComplaintDecision | None:
    query = (
        select(ComplaintDecision)
        .where(ComplaintDecision.complaint_id == row.id)
        .order_by(col(ComplaintDecision.id).desc())
    )
    return session.exec(query).first()
