"""Which visit a customer rates on a customer-facing screen: the return just completed at the
register the screen stands beside, or the one whose reference is on their slip.

The customer rates; the clerk never keys the score (``record_feedback`` takes it only from a
customer-facing screen). A return can be rated once, for a day after it was completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from returns_desk.domain.codes import desk_register_number
from returns_desk.store.db import read_only
from returns_desk.store.models import Feedback, Register, ReturnTxn, Sale
from returns_desk.store.tables._base import utcnow

RATE_WITHIN = timedelta(days=1)  # a slip's reference can be rated this long after the return
FRESH = timedelta(minutes=15)  # a customer display offers the return just completed beside it


class NothingToRate(LookupError):
    """No return that can be rated here; the message says why."""


@dataclass(frozen=True)
class Visit:
    """A completed return the customer may rate, and its receipt (for a complaint)."""

    return_id: int
    reference: str
    receipt_code: str
    completed_at: datetime


def visit_to_rate(engine: Engine, reference: str, now: datetime | None = None) -> Visit:
    """The return on the customer's slip (``RT-0000123``), if it can still be rated."""
    now = now or utcnow()
    cleaned = reference.strip().upper()
    if cleaned.isdigit():
        cleaned = f"RT-{int(cleaned):07d}"
    with read_only(engine) as session:
        found = session.exec(
            select(ReturnTxn, Sale.receipt_code)
            .outerjoin(Sale, col(Sale.id) == col(ReturnTxn.sale_id))
            .where(ReturnTxn.reference == cleaned)
        ).first()
        if found is None:
            raise NothingToRate(f"no return {reference.strip()!r}: type the reference on the slip")
        txn, receipt_code = found
        rated = session.exec(select(Feedback.id).where(Feedback.return_id == txn.id)).first()
    if rated is not None:
        raise NothingToRate(f"return {txn.reference} is already rated: thank you")
    if txn.created_at < now - RATE_WITHIN:
        raise NothingToRate(f"return {txn.reference} is more than a day old to rate here")
    return Visit(txn.id or 0, txn.reference, receipt_code or "", txn.created_at)


def visit_beside(engine: Engine, register: str, now: datetime | None = None) -> Visit | None:
    """The latest unrated return completed at the desk register ``register`` (``R1``) in the
    last few minutes: what the customer display beside it offers to rate."""
    now = now or utcnow()
    rated = select(Feedback.return_id)
    with read_only(engine) as session:
        found = session.exec(
            select(ReturnTxn, Sale.receipt_code)
            .join(Register, col(Register.id) == col(ReturnTxn.register_id))
            .outerjoin(Sale, col(Sale.id) == col(ReturnTxn.sale_id))
            .where(
                Register.number == desk_register_number(register),
                col(ReturnTxn.created_at) > now - FRESH,
                col(ReturnTxn.id).not_in(rated),
            )
            .order_by(col(ReturnTxn.created_at).desc())
        ).first()
    if found is None:
        return None
    txn, receipt_code = found
    return Visit(txn.id or 0, txn.reference, receipt_code or "", txn.created_at)
