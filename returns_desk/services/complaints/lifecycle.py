"""Complaints at the counter: log one, move it along its lifecycle, escalate it to a dispute.

Each change is one unit of work with its history row (who, when, note) and its audit event.
The rules (which moves, which roles, what they need) are in ``domain.complaint``; due dates
come from ``policies/complaints/sla.toml``. Reading (lists, detail, exports) is in
``complaint_views`` and ``complaint_export``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code
from returns_desk.domain.complaint import (
    Status,
    TransitionError,
    check_move,
    find_move,
    format_reference,
    parse_reference,
)
from returns_desk.domain.complaint_sla import Severity, SlaConfig, due_at, load_sla
from returns_desk.domain.roles import Role
from returns_desk.resources import data_dir
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import retrying, unit_of_work
from returns_desk.store.models import Complaint, ComplaintEvent, ReturnTxn, Sale
from returns_desk.store.tables._base import utcnow

__all__ = ["ComplaintError", "ComplaintNotFound", "NewComplaint", "TransitionError"]

MAX_DESCRIPTION = 2000
MAX_SHORT = 120


class ComplaintError(ValueError):
    """A complaint that cannot be logged as entered; the message names the field."""


class ComplaintNotFound(LookupError):
    """No complaint has that reference."""


@cache
def sla_config() -> SlaConfig:
    """The shipped complaint-handling configuration (read once)."""
    return load_sla(data_dir("policies") / "complaints" / "sla.toml")


@dataclass(frozen=True)
class NewComplaint:
    """What the clerk enters; customer and contact are optional (collect only what helps)."""

    category: str
    description: str
    severity: Severity = Severity.NORMAL
    channel: str = "counter"
    customer_name: str = ""
    contact: str = ""
    receipt_code: str = ""  # as typed or scanned; checked against the journal
    return_id: int | None = None


@retrying
def log_complaint(
    engine: Engine,
    actor: Actor,
    new: NewComplaint,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> str:
    """Record a received complaint with its due date; returns its reference (CMP-2026-000123)."""
    require(actor, Role.CLERK, Role.MANAGER)
    config = config or sla_config()
    now = now or utcnow()
    _check_new(new, config)
    with unit_of_work(engine) as session:
        row = Complaint(
            reference=f"pending-{uuid.uuid4().hex}",
            customer_name=new.customer_name.strip(),
            contact=new.contact.strip(),
            channel=new.channel,
            category=new.category,
            description=new.description.strip(),
            severity=new.severity.value,
            sale_id=_sale_id(session, new.receipt_code),
            return_id=_return_id(session, new.return_id),
            clerk_id=actor.user_id,
            created_at=now,
            due_at=due_at(now, new.severity, config),
        )
        session.add(row)
        session.flush()
        row.reference = format_reference(now.astimezone(config.zone).year, row.id or 0)
        session.add(row)
        _history(session, row, None, actor, now, f"logged via {new.channel}")
        details = {"severity": row.severity, "category": row.category, "due_at": row.due_at}
        _audit(session, actor, "complaint.log", row, details)
        return row.reference


@retrying
def transition(
    engine: Engine,
    actor: Actor,
    reference: str,
    target: Status,
    *,
    note: str = "",
    body: str = "",
    outcome: str = "",
    now: datetime | None = None,
) -> Status:
    """Move a complaint to ``target`` if its lifecycle and the actor's role allow it.

    Escalating needs the external ``body``; closing a dispute needs its ``outcome``.
    Refusals raise :class:`TransitionError` (lifecycle) or ``RoleError`` (role).
    """
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = _locked(session, reference)
        source = Status(row.status)
        move = find_move(source, target)
        require(actor, *(Role(r) for r in sorted(move.roles)))
        check_move(source, target, actor.role.value, note=note, body=body, outcome=outcome)
        row.status = target.value
        if body.strip():
            row.dispute_body = body.strip()
        if outcome.strip():
            row.dispute_outcome = outcome.strip()
        session.add(row)
        words = [note.strip(), _labelled("external body", body), _labelled("outcome", outcome)]
        _history(session, row, source, actor, now, "; ".join(w for w in words if w))
        details = {"from": source.value, "to": target.value, "note": note.strip()}
        _audit(session, actor, f"complaint.{move.verb}", row, details)
        return target


def escalate(engine: Engine, actor: Actor, reference: str, body: str, note: str = "") -> Status:
    """Take a complaint outside (ISO 10003): name the external dispute-resolution body."""
    return transition(engine, actor, reference, Status.ESCALATED, body=body, note=note)


def close_dispute(engine: Engine, actor: Actor, reference: str, outcome: str) -> Status:
    """Close an escalated complaint with the outcome the external body reached."""
    return transition(engine, actor, reference, Status.CLOSED, outcome=outcome)


def _labelled(label: str, text: str) -> str:
    return f"{label}: {text.strip()}" if text.strip() else ""


def _check_new(new: NewComplaint, config: SlaConfig) -> None:
    if not new.description.strip():
        raise ComplaintError("description: say what the customer is unhappy about")
    if len(new.description) > MAX_DESCRIPTION:
        raise ComplaintError(f"description: keep it under {MAX_DESCRIPTION} characters")
    for field, options in (("category", config.categories), ("channel", config.channels)):
        value = getattr(new, field)
        if value not in options:
            raise ComplaintError(f"{field}: {value!r} is not one of {', '.join(options)}")
    for field in ("customer_name", "contact"):
        if len(getattr(new, field)) > MAX_SHORT:
            raise ComplaintError(f"{field}: keep it under {MAX_SHORT} characters")


def _sale_id(session: Session, text: str) -> int | None:
    if not text.strip():
        return None
    try:
        code = parse_receipt_code(text)
    except ReceiptCodeError as exc:
        raise ComplaintError(f"receipt: {exc}") from None
    sale = session.exec(select(Sale).where(Sale.receipt_code == code.digits)).first()
    if sale is None:
        raise ComplaintError(f"receipt: {code.pretty()} is not in the sales journal")
    return sale.id


def _return_id(session: Session, return_id: int | None) -> int | None:
    if return_id is not None and session.get(ReturnTxn, return_id) is None:
        raise ComplaintError(f"return: no completed return has id {return_id}")
    return return_id


def by_reference(reference: str, *, lock: bool = False) -> SelectOfScalar[Complaint]:
    """The query for one complaint by its reference as typed (any case, spaces around)."""
    try:
        ref = parse_reference(reference)
    except ValueError as exc:
        raise ComplaintNotFound(str(exc)) from None
    query = select(Complaint).where(Complaint.reference == ref)
    return query.with_for_update() if lock else query


def _locked(session: Session, reference: str) -> Complaint:
    """The complaint, locked for this unit of work so two desks cannot move it at once."""
    row = session.exec(by_reference(reference, lock=True)).first()
    if row is None:
        raise ComplaintNotFound(f"no complaint {reference.strip().upper()}")
    return row


def _history(
    session: Session,
    row: Complaint,
    source: Status | None,
    actor: Actor,
    at: datetime,
    note: str,
) -> None:
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


def _audit(session: Session, actor: Actor, action: str, row: Complaint, details: dict) -> None:
    audit.append(
        session,
        actor=actor.username,
        action=action,
        entity="complaint",
        entity_id=row.reference,
        details=details,
        register=actor.register,
    )
