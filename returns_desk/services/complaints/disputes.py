"""A complaint the store could not resolve, with an external dispute body (ISO 10003).

The record keeps the provider and its method (facilitative, advisory, determinative), the
customer's consent to take part (asked for, never a condition of a sale or a return: the
desk's returns never look at it), the date the notice was received, the store's initial
position and the outcome, how the outcome was implemented (the linked return or voucher,
through the normal services), the date the file closed and the customer's satisfaction
with the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from returns_desk.domain.complaint import (
    DisputeMethod,
    DisputeOutcome,
    Remedy,
    Status,
    TransitionError,
    check_role,
    find_verb,
    words,
)
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.common import (
    ComplaintError,
    audit_event,
    history,
    locked,
)
from returns_desk.services.complaints.decisions import goodwill_amount
from returns_desk.services.staff.security import Actor, require
from returns_desk.services.vouchers.issue import issue_goodwill_voucher
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Complaint, ComplaintDispute, ReturnTxn, Voucher
from returns_desk.store.tables._base import utcnow

MAX_TEXT = 2000


@dataclass(frozen=True)
class DisputeNotice:
    """What the store knows when a complaint goes to an external body."""

    provider: str
    method: DisputeMethod
    consent: bool  # the customer agreed to take part
    notice_received_on: date
    initial_position: str = ""
    consent_note: str = ""  # how the consent was given (signed form, email of 3 May ...)


@dataclass(frozen=True)
class DisputeView:
    provider: str
    method: DisputeMethod
    consent_at: datetime
    consent_note: str
    notice_received_on: date
    initial_position: str
    outcome_kind: DisputeOutcome | None
    outcome: str | None
    implemented_by: str | None  # the return reference or voucher code
    implemented_note: str
    closed_on: date | None
    satisfaction: int | None


def refer(
    engine: Engine,
    actor: Actor,
    reference: str,
    notice: DisputeNotice,
    *,
    now: datetime | None = None,
) -> Status:
    """Take the complaint to an external body, with the customer's consent."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    provider = notice.provider.strip()
    if not provider:
        raise ComplaintError("provider: name the external dispute body")
    if not notice.consent:
        raise ComplaintError(
            "consent: the customer must agree to take part; without it the complaint stays "
            "with the store (their returns and purchases never depend on it)"
        )
    if notice.notice_received_on > now.date():
        raise ComplaintError("notice received: that date is still to come")
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        check_role(find_verb(source, "refer"), actor.role.value)
        session.add(
            ComplaintDispute(
                complaint_id=row.id or 0,
                provider=provider,
                method=notice.method.value,
                consent_at=now,
                consent_note=notice.consent_note.strip()[:MAX_TEXT],
                notice_received_on=notice.notice_received_on,
                initial_position=notice.initial_position.strip()[:MAX_TEXT],
                created_by=actor.user_id,
                created_at=now,
            )
        )
        row.status, row.dispute_body = Status.REFERRED.value, provider
        session.add(row)
        note = f"referred to {provider} ({words(notice.method)}), customer consented"
        history(session, row, source, actor, now, note)
        details = {"provider": provider, "method": notice.method.value,
                   "notice_received_on": notice.notice_received_on}  # fmt: skip
        audit_event(session, actor, "complaint.refer", row, details)
        return Status.REFERRED


def _dispute(session: Session, row: Complaint) -> ComplaintDispute:
    dispute = session.exec(
        select(ComplaintDispute).where(ComplaintDispute.complaint_id == row.id)
    ).first()
    if dispute is None:
        raise TransitionError(f"{row.reference} has not been referred to a dispute body")
    return dispute


def record_outcome(
    engine: Engine,
    actor: Actor,
    reference: str,
    kind: DisputeOutcome,
    outcome: str,
    *,
    now: datetime | None = None,
) -> None:
    """What the body's process ended in: a settlement, a recommendation (accepted or not),
    a determination, or the customer withdrew."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    if not outcome.strip():
        raise ComplaintError("outcome: say what was settled, recommended or decided")
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        dispute = _dispute(session, row)
        dispute.outcome_kind, dispute.outcome = kind.value, outcome.strip()[:MAX_TEXT]
        row.dispute_outcome = f"{words(kind)}: {dispute.outcome}"
        session.add_all([dispute, row])
        history(session, row, Status(row.status), actor, now, f"dispute {row.dispute_outcome}")
        details = {"outcome_kind": kind.value, "outcome": dispute.outcome}
        audit_event(session, actor, "complaint.dispute.outcome", row, details)


def implement(
    engine: Engine,
    actor: Actor,
    reference: str,
    *,
    return_reference: str = "",
    goodwill: str | Decimal = "",
    note: str = "",
    now: datetime | None = None,
) -> str:
    """Carry out the outcome through the normal services: link the return that did it, or
    issue a voucher; returns the return reference or voucher code (or the note)."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        dispute = _dispute(session, row)
        if not dispute.outcome_kind:
            raise TransitionError("record the dispute body's outcome before implementing it")
        if dispute.return_id or dispute.voucher_id or dispute.implemented_note:
            raise TransitionError("the dispute's outcome is already implemented")
        done = _implement(session, actor, row, dispute, return_reference, goodwill, now)
        dispute.implemented_note = note.strip()[:MAX_TEXT] or done
        session.add(dispute)
        history(
            session, row, Status(row.status), actor, now, f"dispute outcome implemented: {done}"
        )
        audit_event(session, actor, "complaint.dispute.implement", row, {"by": done})
        return done


def _implement(
    session: Session,
    actor: Actor,
    row: Complaint,
    dispute: ComplaintDispute,
    return_reference: str,
    goodwill: str | Decimal,
    now: datetime,
) -> str:
    if return_reference.strip():
        ref = return_reference.strip().upper()
        txn = session.exec(select(ReturnTxn).where(ReturnTxn.reference == ref)).first()
        if txn is None:
            raise ComplaintError(f"return: no completed return {ref!r}")
        if row.sale_id and txn.sale_id != row.sale_id:
            raise ComplaintError(f"return: {ref} is for another receipt than the complaint's")
        dispute.return_id = txn.id
        return txn.reference
    if str(goodwill).strip():
        amount = goodwill_amount(Remedy.GOODWILL_VOUCHER, goodwill)
        assert amount is not None  # a goodwill voucher always has one
        try:
            voucher = issue_goodwill_voucher(
                session, actor, amount, now.date(), f"dispute {row.reference}"
            )
        except ValueError as exc:
            raise ComplaintError(f"amount: {exc}") from None
        dispute.voucher_id = voucher.id
        return voucher.code
    raise ComplaintError("give the return that carried the outcome out, or a voucher amount")


def record_dispute_satisfaction(
    engine: Engine, actor: Actor, reference: str, rating: int, *, now: datetime | None = None
) -> None:
    """The customer's 1-5 rating of the dispute process (ISO 10003 evaluation)."""
    require(actor, Role.CLERK, Role.MANAGER)
    now = now or utcnow()
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise ComplaintError(f"rating: give 1 to 5, not {rating!r}")
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        dispute = _dispute(session, row)
        if dispute.satisfaction is not None:
            raise TransitionError("the customer already rated the dispute process")
        dispute.satisfaction = rating
        session.add(dispute)
        audit_event(session, actor, "complaint.dispute.rating", row, {"rating": rating})


def close_file(session: Session, row: Complaint, on: date) -> None:
    """The dispute file closes with the complaint (called from closing)."""
    dispute = session.exec(
        select(ComplaintDispute).where(ComplaintDispute.complaint_id == row.id)
    ).first()
    if dispute is not None and dispute.closed_on is None:
        dispute.closed_on = on
        session.add(dispute)


def dispute_of(engine_or_session: Engine | Session, complaint_id: int) -> DisputeView | None:
    """The dispute record of a complaint, for reading."""
    if isinstance(engine_or_session, Session):
        return _view(engine_or_session, complaint_id)
    with read_only(engine_or_session) as session:
        return _view(session, complaint_id)


def _view(session: Session, complaint_id: int) -> DisputeView | None:
    d = session.exec(
        select(ComplaintDispute).where(ComplaintDispute.complaint_id == complaint_id)
    ).first()
    if d is None:
        return None
    txn = session.get(ReturnTxn, d.return_id) if d.return_id else None
    voucher = session.get(Voucher, d.voucher_id) if d.voucher_id else None
    return DisputeView(
        d.provider,
        DisputeMethod(d.method),
        d.consent_at,
        d.consent_note,
        d.notice_received_on,
        d.initial_position,
        DisputeOutcome(d.outcome_kind) if d.outcome_kind else None,
        d.outcome,
        txn.reference if txn else (voucher.code if voucher else None),
        d.implemented_note,
        d.closed_on,
        d.satisfaction,
    )
