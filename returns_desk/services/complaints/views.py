"""Reading complaints: the filtered list (overdue ones flagged, SLA state shown) and one
complaint's detail with everything it gathered.

Plain dataclasses out, so screens and commands never hold a session. Clerks see only their
store's complaints and personal details only where they need them (``scope``); the moves
offered in the detail depend on the reader's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, literal
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.complaint import (
    OPEN,
    Answer,
    ClosingFacts,
    Closure,
    Move,
    Outcome,
    Remedy,
    Status,
    closure_reasons,
    is_overdue,
    moves_from,
)
from returns_desk.domain.complaint_clock import SlaState, sla_state
from returns_desk.services.complaints.common import (
    ComplaintNotFound,
    by_reference,
    clock_facts,
    display_name,
    store_number,
)
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.complaints.disputes import DisputeView, dispute_of
from returns_desk.services.complaints.scope import masked, may_see, sees_personal_data, store_scope
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    ComplaintEscalation,
    ComplaintEvent,
    ComplaintNote,
    ComplaintPause,
    ComplaintRemedy,
    ComplaintSatisfaction,
    ReturnTxn,
    Sale,
    User,
    Voucher,
)
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
    due_at: datetime | None  # None while the resolution clock is paused
    overdue: bool
    sla: SlaState = SlaState.RESOLUTION_DUE
    store: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a complaint's history."""

    at: datetime
    who: str
    from_status: Status | None
    to_status: Status
    note: str


@dataclass(frozen=True)
class DecisionView:
    level: int
    final: bool
    outcome: Outcome
    reasons: str
    remedy: Remedy
    amount: Decimal | None
    decided_by: str
    decided_at: datetime
    reply_by: datetime
    answer: Answer | None
    answered_at: datetime | None
    remedy_done: str | None  # the return, voucher or note that carried it out


@dataclass(frozen=True)
class NoteView:
    at: datetime
    who: str
    text: str
    customer_visible: bool


@dataclass(frozen=True)
class PauseView:
    waiting_on: str
    note: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class EscalationView:
    level: str
    at: datetime
    notified: str
    reason: str


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
    remedy_sought: str = ""
    received_by: str = ""
    owner: str = ""
    named_staff: str = ""
    tier: str | None = None
    sku: str = ""
    first_response_due_at: datetime | None = None
    first_response_at: datetime | None = None
    decided_at: datetime | None = None
    closure_reason: Closure | None = None
    reopen_count: int = 0
    first_contact_resolution: bool = False
    decisions: tuple[DecisionView, ...] = ()
    notes: tuple[NoteView, ...] = ()
    pauses: tuple[PauseView, ...] = ()
    escalations: tuple[EscalationView, ...] = ()
    closures: tuple[Closure, ...] = ()  # the reasons it may be closed with now
    dispute: DisputeView | None = None
    satisfaction: int | None = None
    personal_data: bool = True  # False: name and contact are masked for this reader

    @property
    def decision(self) -> DecisionView | None:
        return self.decisions[-1] if self.decisions else None


def list_complaints(
    engine: Engine,
    *,
    status: Status | None = None,
    category: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    actor: Actor | None = None,
) -> list[ComplaintRow]:
    """Open complaints of the higher tiers first (premium care: ``[lists] tiers`` in sla.toml,
    lowest to highest), then newest first; ``overdue`` keeps only open complaints past their
    due time. With an ``actor``, only what that person may see (a clerk: their store), names
    masked as needed."""
    now = now or utcnow()
    query = select(Complaint)
    if status is not None:
        query = query.where(Complaint.status == status.value)
    if category:
        query = query.where(Complaint.category == category)
    if overdue:
        open_values = [s.value for s in OPEN]
        query = query.where(col(Complaint.status).in_(open_values), col(Complaint.due_at) < now)
    query = query.order_by(
        _tier_rank().desc(), col(Complaint.created_at).desc(), col(Complaint.id).desc()
    )
    with read_only(engine) as session:
        scope = store_scope(session, actor)
        if scope is not None:
            query = query.where(Complaint.store_id == scope)
        rows = session.exec(query.limit(limit)).all()
        numbers = {r.store_id: store_number(session, r.store_id) for r in rows}
    return [
        to_row(r, now, numbers.get(r.store_id), actor is None or sees_personal_data(actor, r))
        for r in rows
    ]


def _tier_rank() -> ColumnElement[int]:
    """An open complaint's place in the queue by its customer's tier: 0 for none (and for
    closed ones), then each tier of ``[lists] tiers`` in order, the last (premium) highest."""
    still_open = col(Complaint.status).in_([s.value for s in OPEN])
    tiers = sla_config().tiers
    ranks = [(and_(still_open, col(Complaint.tier) == t), n) for n, t in enumerate(tiers, 1)]
    return case(*ranks, else_=0) if ranks else literal(0)


def to_row(
    row: Complaint, now: datetime, store: int | None = None, personal: bool = True
) -> ComplaintRow:
    status = Status(row.status)
    return ComplaintRow(
        reference=row.reference,
        status=status,
        severity=row.severity,
        category=row.category,
        customer=row.customer_name if personal else masked(row.customer_name),
        created_at=row.created_at,
        due_at=row.due_at,
        overdue=is_overdue(status, row.due_at, now),
        sla=sla_state(clock_facts(row), now),
        store=store,
    )


def complaint_detail(
    engine: Engine,
    reference: str,
    role: str | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> ComplaintDetail:
    """One complaint; ``role`` (or ``actor``) limits the offered moves to those that person
    may make. With an ``actor``, a complaint they may not see is "not found"."""
    now = now or utcnow()
    role = role or (actor.role.value if actor else None)
    with read_only(engine) as session:
        row = session.exec(by_reference(reference)).first()
        if row is None or (actor is not None and not may_see(session, actor, row)):
            raise ComplaintNotFound(f"no complaint {reference.strip().upper()}")
        personal = actor is None or sees_personal_data(actor, row)
        return _detail(session, row, role, now, personal)


def _detail(
    session: Session, row: Complaint, role: str | None, now: datetime, personal: bool
) -> ComplaintDetail:
    decisions = _decisions(session, row)
    dispute = dispute_of(session, row.id or 0)
    satisfaction = session.exec(
        select(ComplaintSatisfaction.rating).where(ComplaintSatisfaction.complaint_id == row.id)
    ).first()
    return ComplaintDetail(
        row=to_row(row, now, store_number(session, row.store_id), personal),
        channel=row.channel,
        contact=row.contact if personal else masked(row.contact),
        description=row.description,
        clerk=display_name(session, row.clerk_id),
        receipt_code=_receipt(session, row.sale_id),
        return_reference=_return(session, row.return_id),
        dispute_body=row.dispute_body,
        dispute_outcome=row.dispute_outcome,
        history=_history(session, row.id or 0),
        moves=moves_from(Status(row.status), role),
        remedy_sought=row.remedy_sought,
        received_by=display_name(session, row.received_by_id),
        owner=display_name(session, row.owner_id),
        named_staff=display_name(session, row.named_staff_id),
        tier=row.tier,
        sku=row.sku,
        first_response_due_at=row.first_response_due_at,
        first_response_at=row.first_response_at,
        decided_at=row.decided_at,
        closure_reason=Closure(row.closure_reason) if row.closure_reason else None,
        reopen_count=row.reopen_count,
        first_contact_resolution=row.first_contact_resolution,
        decisions=decisions,
        notes=_notes(session, row),
        pauses=_pauses(session, row),
        escalations=_escalations(session, row),
        closures=closure_reasons(_closing(row, decisions, dispute)),
        dispute=dispute,
        satisfaction=satisfaction,
        personal_data=personal,
    )


def _closing(
    row: Complaint, decisions: tuple[DecisionView, ...], dispute: DisputeView | None
) -> ClosingFacts:
    last = decisions[-1] if decisions else None
    done = last is None or last.remedy in (Remedy.APOLOGY, Remedy.NONE) or bool(last.remedy_done)
    return ClosingFacts(
        status=Status(row.status),
        remedy_done=done,
        final_decision=bool(last and last.final),
        answer=last.answer if last else None,
        dispute_outcome=bool(dispute and dispute.outcome_kind),
    )


def _decisions(session: Session, row: Complaint) -> tuple[DecisionView, ...]:
    query = (
        select(ComplaintDecision)
        .where(ComplaintDecision.complaint_id == row.id)
        .order_by(col(ComplaintDecision.id))
    )
    views = []
    for d in session.exec(query):
        done = session.exec(select(ComplaintRemedy).where(ComplaintRemedy.decision_id == d.id))
        remedy = done.first()
        views.append(
            DecisionView(
                d.level,
                d.final,
                Outcome(d.outcome),
                d.reasons,
                Remedy(d.remedy),
                d.remedy_amount,
                display_name(session, d.decided_by),
                d.decided_at,
                d.reply_by,
                Answer(d.answer) if d.answer else None,
                d.answered_at,
                _carried_out(session, remedy) if remedy else None,
            )
        )
    return tuple(views)


def _carried_out(session: Session, remedy: ComplaintRemedy) -> str:
    txn = session.get(ReturnTxn, remedy.return_id) if remedy.return_id else None
    voucher = session.get(Voucher, remedy.voucher_id) if remedy.voucher_id else None
    if txn:
        return txn.reference
    if voucher:
        return voucher.code
    return remedy.note or "done"


def _notes(session: Session, row: Complaint) -> tuple[NoteView, ...]:
    query = (
        select(ComplaintNote, User)
        .join(User, col(User.id) == ComplaintNote.author_id)
        .where(ComplaintNote.complaint_id == row.id)
        .order_by(col(ComplaintNote.id))
    )
    return tuple(
        NoteView(n.at, u.display_name, n.text, n.customer_visible) for n, u in session.exec(query)
    )


def _pauses(session: Session, row: Complaint) -> tuple[PauseView, ...]:
    query = (
        select(ComplaintPause)
        .where(ComplaintPause.complaint_id == row.id)
        .order_by(col(ComplaintPause.id))
    )
    return tuple(
        PauseView(p.waiting_on, p.note, p.started_at, p.ended_at) for p in session.exec(query)
    )


def _escalations(session: Session, row: Complaint) -> tuple[EscalationView, ...]:
    query = (
        select(ComplaintEscalation)
        .where(ComplaintEscalation.complaint_id == row.id)
        .order_by(col(ComplaintEscalation.id))
    )
    return tuple(EscalationView(e.level, e.at, e.notified, e.reason) for e in session.exec(query))


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


def _receipt(session: Session, sale_id: int | None) -> str | None:
    sale = session.get(Sale, sale_id) if sale_id else None
    return parse_receipt_code(sale.receipt_code).pretty() if sale else None


def _return(session: Session, return_id: int | None) -> str | None:
    txn = session.get(ReturnTxn, return_id) if return_id else None
    return txn.reference if txn else None
