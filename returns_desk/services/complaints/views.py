"""Reading complaints: the filtered list (overdue ones flagged) and one complaint's detail.

Plain dataclasses out, so screens and commands never hold a session. Anyone logged in may
read; moves offered in the detail depend on the reader's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.complaint import OPEN, Move, Status, is_overdue, moves_from
from returns_desk.services.complaints.lifecycle import ComplaintNotFound, by_reference
from returns_desk.store.db import read_only
from returns_desk.store.models import Complaint, ComplaintEvent, ReturnTxn, Sale, User
from returns_desk.store.tables._base import utcnow

DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class ComplaintRow:
    """One line of the complaint list."""

    reference: str
    status: Status
    severity: str
    category: str
    customer: str
    created_at: datetime
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a complaint's history."""

    at: datetime
    who: str
    from_status: Status | None
    to_status: Status
    note: str


@dataclass(frozen=True)
class ComplaintDetail:
    """Everything about one complaint, with its history and the moves the reader may make."""

    row: ComplaintRow
    channel: str
    contact: str
    description: str
    clerk: str
    receipt_code: str | None
    return_reference: str | None
    dispute_body: str | None
    dispute_outcome: str | None
    history: tuple[HistoryEntry, ...]
    moves: tuple[Move, ...]


def list_complaints(
    engine: Engine,
    *,
    status: Status | None = None,
    category: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[ComplaintRow]:
    """Newest first; ``overdue`` keeps only open complaints past their due time."""
    now = now or utcnow()
    query = select(Complaint)
    if status is not None:
        query = query.where(Complaint.status == status.value)
    if category:
        query = query.where(Complaint.category == category)
    if overdue:
        open_values = [s.value for s in OPEN]
        query = query.where(col(Complaint.status).in_(open_values), Complaint.due_at < now)
    query = query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc())
    with read_only(engine) as session:
        rows = session.exec(query.limit(limit)).all()
    return [to_row(r, now) for r in rows]


def to_row(row: Complaint, now: datetime) -> ComplaintRow:
    status = Status(row.status)
    return ComplaintRow(
        reference=row.reference,
        status=status,
        severity=row.severity,
        category=row.category,
        customer=row.customer_name,
        created_at=row.created_at,
        due_at=row.due_at,
        overdue=is_overdue(status, row.due_at, now),
    )


def complaint_detail(
    engine: Engine, reference: str, role: str | None = None, now: datetime | None = None
) -> ComplaintDetail:
    """One complaint; ``role`` limits the offered moves to those that person may make."""
    now = now or utcnow()
    with read_only(engine) as session:
        row = session.exec(by_reference(reference)).first()
        if row is None:
            raise ComplaintNotFound(f"no complaint {reference.strip().upper()}")
        return ComplaintDetail(
            row=to_row(row, now),
            channel=row.channel,
            contact=row.contact,
            description=row.description,
            clerk=_name(session, row.clerk_id),
            receipt_code=_receipt(session, row.sale_id),
            return_reference=_return(session, row.return_id),
            dispute_body=row.dispute_body,
            dispute_outcome=row.dispute_outcome,
            history=_history(session, row.id or 0),
            moves=moves_from(Status(row.status), role),
        )


def _history(session: Session, complaint_id: int) -> tuple[HistoryEntry, ...]:
    query = (
        select(ComplaintEvent, User)
        .join(User, col(User.id) == ComplaintEvent.actor_id)
        .where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(col(ComplaintEvent.id))
    )
    return tuple(
        HistoryEntry(
            at=event.at,
            who=user.display_name,
            from_status=Status(event.from_status) if event.from_status else None,
            to_status=Status(event.to_status),
            note=event.note,
        )
        for event, user in session.exec(query)
    )


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else f"user {user_id}"


def _receipt(session: Session, sale_id: int | None) -> str | None:
    sale = session.get(Sale, sale_id) if sale_id else None
    return parse_receipt_code(sale.receipt_code).pretty() if sale else None


def _return(session: Session, return_id: int | None) -> str | None:
    txn = session.get(ReturnTxn, return_id) if return_id else None
    return txn.reference if txn else None
