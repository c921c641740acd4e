"""Instant feedback: the customer's 1-5 rating of a completed return or exchange.

Captured at the point of experience, right after the transaction; optional and skippable
(a skip records nothing). One rating per return, guarded by the database as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.models import Feedback, ReturnTxn

MAX_COMMENT = 500


class FeedbackError(ValueError):
    """A rating that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Rating:
    return_id: int
    rating: int
    comment: str


@retrying
def record_feedback(
    engine: Engine, actor: Actor, return_id: int, rating: int, comment: str = ""
) -> Rating:
    """Store the customer's rating (1 to 5) and optional comment for a completed return.

    Only a customer-facing screen records it (a kiosk, the customer display beside the
    register): the customer gives the score, the clerk never keys it nor sees it first."""
    require(actor, Role.KIOSK)
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise FeedbackError(f"rating: give 1 to 5, not {rating!r}")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise FeedbackError(f"comment: keep it under {MAX_COMMENT} characters")
    with unit_of_work(engine) as session:
        txn = session.get(ReturnTxn, return_id)
        if txn is None:
            raise FeedbackError(f"return: no completed return has id {return_id}")
        taken = select(Feedback).where(Feedback.return_id == return_id)
        if session.exec(taken).first() is not None:
            raise FeedbackError(f"return {txn.reference} already has the customer's rating")
        session.add(Feedback(return_id=return_id, rating=rating, comment=comment))
        audit.append(
            session,
            actor=actor.username,
            action="feedback.record",
            entity="return",
            entity_id=txn.reference,
            details={"rating": rating, "commented": bool(comment)},
            register=actor.register,
        )
    return Rating(return_id, rating, comment)


def feedback_for(engine: Engine, return_id: int) -> Rating | None:
    """The rating recorded for a return, if the customer gave one."""
    with read_only(engine) as session:
        row = session.exec(select(Feedback).where(Feedback.return_id == return_id)).first()
    return Rating(row.return_id, row.rating, row.comment) if row else None
