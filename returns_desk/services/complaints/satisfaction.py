"""Satisfaction with complaint handling (ISO 10002): a 1-5 question when a complaint closes.

Separate from the rating of a return at the counter: this asks how the complaint was
handled, once per complaint (a second answer is refused, never overwritten). The person
the complaint is about may not record it, so nobody rates their own handling.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from returns_desk.domain.complaint import Status, TransitionError
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.common import ComplaintError, audit_event, locked
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import ComplaintSatisfaction
from returns_desk.store.tables._base import utcnow

MAX_COMMENT = 500


def record_satisfaction(
    engine: Engine,
    actor: Actor,
    reference: str,
    rating: int,
    comment: str = "",
    *,
    now: datetime | None = None,
) -> None:
    """Store the customer's 1-5 rating of how their (closed) complaint was handled."""
    require(actor, Role.CLERK, Role.MANAGER)
    now = now or utcnow()
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise ComplaintError(f"rating: give 1 to 5, not {rating!r}")
    if len(comment) > MAX_COMMENT:
        raise ComplaintError(f"comment: keep it under {MAX_COMMENT} characters")
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        if row.status != Status.CLOSED.value:
            raise TransitionError("ask how the complaint was handled once it is closed")
        if row.named_staff_id == actor.user_id:
            raise TransitionError("the complaint is about you: another person records the rating")
        taken = select(ComplaintSatisfaction.id).where(ComplaintSatisfaction.complaint_id == row.id)
        if session.exec(taken).first() is not None:
            raise TransitionError(f"{row.reference} already has the customer's rating")
        session.add(
            ComplaintSatisfaction(
                complaint_id=row.id or 0,
                rating=rating,
                comment=comment.strip(),
                at=now,
                recorded_by=actor.user_id,
            )
        )
        details = {"rating": rating, "commented": bool(comment.strip())}
        audit_event(session, actor, "complaint.satisfaction", row, details)
