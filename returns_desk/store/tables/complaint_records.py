"""What a complaint accumulates while it is handled: pauses, notes, decisions and their
remedies, escalations, a dispute, the customer's satisfaction; and corrective actions that
many complaints can point to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import money_field, time_field


class ComplaintPause(SQLModel, table=True):
    """The resolution clock stood still while the store waited on someone."""

    __tablename__ = "complaint_pause"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    waiting_on: str  # customer | third_party
    note: str = ""
    started_at: datetime = time_field()
    started_by: int = Field(foreign_key="user.id")
    ended_at: datetime | None = time_field(now=False)
    ended_by: int | None = Field(default=None, foreign_key="user.id")


class ComplaintNote(SQLModel, table=True):
    """An append-only note; a customer-visible one is a response to the customer."""

    __tablename__ = "complaint_note"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime = time_field()
    author_id: int = Field(foreign_key="user.id")
    text: str
    customer_visible: bool = False


class ComplaintDecision(SQLModel, table=True):
    """The store's decision (level 1) or the review's (level 2, final), and the answer."""

    __tablename__ = "complaint_decision"
    __table_args__ = (UniqueConstraint("complaint_id", "level", "decided_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    level: int = 1
    final: bool = False
    outcome: str  # upheld | partly_upheld | not_upheld
    reasons: str
    remedy: str  # refund | exchange | goodwill_voucher | policy_exception | repair | apology | none
    remedy_amount: Decimal | None = money_field(default=None, nullable=True)
    decided_by: int = Field(foreign_key="user.id")
    decided_at: datetime = time_field()
    reply_by: datetime = time_field()
    answer: str | None = None  # accepted | rejected | no_reply
    answer_note: str = ""
    answered_at: datetime | None = time_field(now=False)
    answered_by: int | None = Field(default=None, foreign_key="user.id")


class ComplaintRemedy(SQLModel, table=True):
    """A remedy carried out, linked to the return or voucher that did it: each transaction
    can be a complaint's remedy only once, so it is counted once."""

    __tablename__ = "complaint_remedy"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    decision_id: int = Field(foreign_key="complaint_decision.id", index=True)
    kind: str
    return_id: int | None = Field(default=None, foreign_key="return_txn.id", unique=True)
    voucher_id: int | None = Field(default=None, foreign_key="voucher.id", unique=True)
    note: str = ""
    done_at: datetime = time_field()
    done_by: int = Field(foreign_key="user.id")


class ComplaintEscalation(SQLModel, table=True):
    """Someone was told a complaint is running late: once per level and due time."""

    __tablename__ = "complaint_escalation"
    __table_args__ = (UniqueConstraint("complaint_id", "level", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    level: str  # owner_warning | manager | second_level
    at: datetime = time_field()
    due_at: datetime = time_field()
    notified: str  # whom: a user's name, "the store's managers", "head office"
    notified_user_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str
    run_by: str = "system"


class ComplaintDispute(SQLModel, table=True):
    """The complaint with an external dispute body (ISO 10003)."""

    __tablename__ = "complaint_dispute"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    provider: str
    method: str  # facilitative | advisory | determinative
    consent_at: datetime = time_field()
    consent_note: str = ""
    notice_received_on: date
    initial_position: str = ""
    outcome_kind: str | None = None
    outcome: str | None = None
    return_id: int | None = Field(default=None, foreign_key="return_txn.id", unique=True)
    voucher_id: int | None = Field(default=None, foreign_key="voucher.id", unique=True)
    implemented_note: str = ""
    closed_on: date | None = None
    satisfaction: int | None = None
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = time_field()


class ComplaintSatisfaction(SQLModel, table=True):
    """The customer's 1-5 rating of how the complaint was handled, once per complaint."""

    __tablename__ = "complaint_satisfaction"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="complaint_satisfaction_1_to_5"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    rating: int
    comment: str = ""
    at: datetime = time_field()
    recorded_by: int = Field(foreign_key="user.id")


class CorrectiveAction(SQLModel, table=True):
    """What the store changes so a cause of complaints does not come back."""

    __tablename__ = "corrective_action"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    root_cause: str
    action: str
    owner_id: int = Field(foreign_key="user.id")
    due_on: date
    created_at: datetime = time_field()
    created_by: int = Field(foreign_key="user.id")
    done_at: datetime | None = time_field(now=False)
    done_note: str = ""
    checked_at: datetime | None = time_field(now=False)
    effective: bool | None = None
    check_note: str = ""


class CorrectiveActionComplaint(SQLModel, table=True):
    """Which complaints an action answers (many to many)."""

    __tablename__ = "corrective_action_complaint"

    action_id: int = Field(foreign_key="corrective_action.id", primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True, index=True)
